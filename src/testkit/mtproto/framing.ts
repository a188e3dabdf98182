import { randomBytes, randomInt } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { encodeTransportError } from '../../wire/index.js'
import { ByteQueue } from '../byte-queue.js'

/** The MTProto TCP transports a DC understands, told apart by the first bytes a client sends. */
export type FramingKind = 'abridged' | 'intermediate' | 'padded-intermediate' | 'full'

/**
 * Largest payload accepted in one frame. Telegram's own limit is about 1 MiB (a 512 KiB file part
 * plus headers); anything near 2 MiB is garbage or an attack, and refusing it bounds our memory.
 */
export const MAX_FRAME_PAYLOAD = 2 * 1024 * 1024

/** A frame that cannot be read; the connection answers with a transport error and closes. */
export class FramingError extends Error {
  override readonly name = 'FramingError'
}

const ABRIDGED_TAG = 0xef
const INTERMEDIATE_TAG = 0xeeeeeeee
const PADDED_INTERMEDIATE_TAG = 0xdddddddd

/**
 * The byte framing of one TCP connection, both directions.
 *
 * Feed it whatever arrives with {@link FrameCodec.decode}; it detects the transport from the first
 * bytes, keeps partial frames until they complete and returns whole payloads. It throws
 * {@link FramingError} on anything a real DC would refuse (bad length, bad checksum, bad sequence).
 */
export class FrameCodec {
  /** The detected transport; undefined until enough bytes have arrived to tell. */
  kind: FramingKind | undefined
  // Received bytes not yet a whole frame; a growing buffer, so a frame in many pieces costs linear time.
  private readonly pending = new ByteQueue(MAX_FRAME_PAYLOAD + 16)
  // TCPFull numbers packets in each direction; a gap means lost or injected data.
  private inboundSeq = 0
  private outboundSeq = 0

  /** Takes bytes from the socket and returns every payload completed by them. */
  decode(chunk: Uint8Array): Uint8Array[] {
    this.pending.append(chunk)
    if (this.kind === undefined && !this.detect()) return []
    const payloads: Uint8Array[] = []
    for (;;) {
      const payload = this.next()
      if (payload === undefined) return payloads
      payloads.push(payload)
    }
  }

  /** Wraps a payload in this connection's framing. */
  encode(payload: Uint8Array): Uint8Array {
    switch (this.kind) {
      case 'abridged': {
        const words = payload.length / 4
        const header =
          words < 0x7f
            ? Uint8Array.of(words)
            : Uint8Array.of(0x7f, words & 0xff, (words >> 8) & 0xff, (words >> 16) & 0xff)
        return concat(header, payload)
      }
      case 'intermediate':
        return concat(uint32le(payload.length), payload)
      case 'padded-intermediate': {
        // The padded variant exists to hide lengths: 0..15 random bytes follow every payload.
        const padding = randomBytes(randomInt(16))
        return concat(uint32le(payload.length + padding.length), payload, padding)
      }
      case 'full':
      case undefined: {
        const out = new Uint8Array(payload.length + 12)
        const view = new DataView(out.buffer)
        view.setUint32(0, out.length, true)
        view.setUint32(4, this.outboundSeq++, true)
        out.set(payload, 8)
        view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true)
        return out
      }
    }
  }

  /**
   * The packet a DC sends before closing a connection it cannot serve: a transport error, the
   * wire's 4 bytes holding a negative `code` (-404: no such auth key or undecryptable message,
   * -429: too many connections), in this connection's framing.
   */
  encodeTransportError(code: number): Uint8Array {
    // The padded transport would add noise here; clients expect the bare 4 bytes.
    return this.kind === 'padded-intermediate'
      ? intermediateTransportError(code)
      : this.encode(encodeTransportError(code))
  }

  /** Bytes received but not yet a whole frame. */
  get pendingBytes(): number {
    return this.pending.length
  }

  private detect(): boolean {
    const pending = this.pending.bytes()
    const first = pending[0]
    if (first === undefined) return false
    if (first === ABRIDGED_TAG) {
      this.kind = 'abridged'
      this.pending.consume(1)
      return true
    }
    if (pending.length < 4) return false
    const tag = readUint32(pending, 0)
    if (tag === INTERMEDIATE_TAG || tag === PADDED_INTERMEDIATE_TAG) {
      this.kind = tag === INTERMEDIATE_TAG ? 'intermediate' : 'padded-intermediate'
      this.pending.consume(4)
      return true
    }
    // TCPFull has no tag: its first word is already the first packet's length.
    this.kind = 'full'
    return true
  }

  private next(): Uint8Array | undefined {
    switch (this.kind) {
      case 'abridged':
        return this.nextAbridged()
      case 'intermediate':
      case 'padded-intermediate':
        return this.nextIntermediate()
      default:
        return this.nextFull()
    }
  }

  private nextAbridged(): Uint8Array | undefined {
    const pending = this.pending.bytes()
    const first = pending[0]
    if (first === undefined) return undefined
    // The top bit asks for a quick ack, which we never send; the length is in 4-byte words.
    let words = first & 0x7f
    let headerLength = 1
    if (words === 0x7f) {
      if (pending.length < 4) return undefined
      words = pending[1]! | (pending[2]! << 8) | (pending[3]! << 16)
      headerLength = 4
    }
    return this.take(headerLength, words * 4)
  }

  private nextIntermediate(): Uint8Array | undefined {
    const pending = this.pending.bytes()
    if (pending.length < 4) return undefined
    // Top bit: quick ack request, ignored as above.
    return this.take(4, readUint32(pending, 0) & 0x7fffffff)
  }

  private nextFull(): Uint8Array | undefined {
    const pending = this.pending.bytes()
    if (pending.length < 4) return undefined
    const total = readUint32(pending, 0)
    if (total < 12 || total % 4 !== 0 || total > MAX_FRAME_PAYLOAD + 12) {
      throw new FramingError(`TCPFull length ${total} is not a valid packet length`)
    }
    if (pending.length < total) return undefined
    const packet = pending.subarray(0, total)
    const expectedCrc = readUint32(packet, total - 4)
    if (crc32(packet.subarray(0, total - 4)) !== expectedCrc) {
      throw new FramingError('TCPFull checksum mismatch')
    }
    const seq = readUint32(packet, 4)
    if (seq !== this.inboundSeq)
      throw new FramingError(`TCPFull sequence ${seq}, expected ${this.inboundSeq}`)
    this.inboundSeq++
    const payload = packet.slice(8, total - 4)
    this.pending.consume(total)
    return payload
  }

  private take(headerLength: number, length: number): Uint8Array | undefined {
    if (length === 0 || length > MAX_FRAME_PAYLOAD) {
      throw new FramingError(`frame length ${length} is out of range`)
    }
    const pending = this.pending.bytes()
    if (pending.length < headerLength + length) return undefined
    const payload = pending.slice(headerLength, headerLength + length)
    this.pending.consume(headerLength + length)
    return payload
  }
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true)
}

function uint32le(value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value, true)
  return out
}

/**
 * A transport error (negative `code`) in intermediate framing: what a DC writes to a connection it
 * refuses before the client has said which framing it speaks.
 */
export function intermediateTransportError(code: number): Uint8Array {
  return concat(uint32le(4), encodeTransportError(code))
}

/** Joins byte arrays into a fresh one. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
