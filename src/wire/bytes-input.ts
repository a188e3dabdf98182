import { describeValue } from '../error/foreign-value.js'

/**
 * Bytes in any of the forms platforms hand them over: a `Uint8Array` (Node's `Buffer` is one), an
 * `ArrayBuffer` or `SharedArrayBuffer`, or any view on one (`DataView`, other typed arrays), whose
 * `byteOffset` and `byteLength` are respected.
 */
export type BytesInput = Uint8Array | ArrayBufferLike | ArrayBufferView

// Brand checks that work across realms and never run a Proxy's traps: the getter throws for
// anything but the real thing.
const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!
const sharedBufferLength =
  typeof SharedArrayBuffer === 'function'
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength')?.get
    : undefined

function hasBrand(getter: (() => unknown) | undefined, value: unknown): boolean {
  if (getter === undefined) return false
  try {
    getter.call(value)
    return true
  } catch {
    return false
  }
}

/**
 * `input` as a `Uint8Array` over the same memory (no copy). Anything else is the caller's
 * programming error, not bad bytes, so it is a `TypeError` naming the function and what was given.
 */
export function toBytes(input: BytesInput, caller: string): Uint8Array {
  // `isView` reads an internal slot, so it is safe on any value (a Proxy included) and true only
  // for real views; `instanceof` is asked only then, as on a Proxy it would run a trap.
  if (ArrayBuffer.isView(input)) {
    if (input instanceof Uint8Array) return input
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  }
  if (hasBrand(arrayBufferLength, input) || hasBrand(sharedBufferLength, input)) {
    return new Uint8Array(input as ArrayBufferLike)
  }
  throw new TypeError(
    `${caller}: expected a Uint8Array, ArrayBuffer or ArrayBufferView, got ${describeValue(input)}`,
  )
}
