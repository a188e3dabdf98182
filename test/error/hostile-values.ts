import fc from 'fast-check'
import { RpcError } from '../../src/index.js'

/** Test helper: a Proxy every trap of which throws. */
export function throwingProxy(target: object = {}): object {
  const trap = () => {
    throw new Error('trap')
  }
  return new Proxy(target, {
    get: trap,
    has: trap,
    getPrototypeOf: trap,
    getOwnPropertyDescriptor: trap,
    ownKeys: trap,
    defineProperty: trap,
    set: trap,
    isExtensible: trap,
    preventExtensions: trap,
  })
}

/** Test helper: a revoked Proxy, on which every operation throws. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

/** Test helper: an object shaped like an error whose every field is a getter that throws. */
export function throwingGetters(): object {
  const fail = () => {
    throw new Error('getter')
  }
  return Object.defineProperties(
    {},
    Object.fromEntries(
      [
        'code',
        'errorCode',
        'error_code',
        'errorMessage',
        'error_message',
        'message',
        'type',
        'text',
        'description',
        'name',
        'constructor',
        'stack',
        'cause',
      ].map((key) => [key, { get: fail, enumerable: true }]),
    ),
  )
}

/** Test helper: a value that passes the brand check of RpcError, then throws on the fields. */
export function brandedTrap(): object {
  const real = RpcError.from(400, 'PEER_ID_INVALID')
  return new Proxy(real, {
    get(target, key, receiver) {
      if (typeof key === 'symbol') return Reflect.get(target, key, receiver)
      throw new Error(`trap on ${key}`)
    },
  })
}

/** Test helper: a getter that answers with a number once, then with an object. */
export function shapeShifter(): object {
  let reads = 0
  return {
    get code() {
      reads++
      return reads === 1 ? 400 : { not: 'a number' }
    },
    errorMessage: 'PEER_ID_INVALID',
  }
}

/**
 * Hostile and odd values, built fresh on each draw. They are drawn as factories because
 * fast-check itself probes the values it generates (`in`, `toString`), which a revoked Proxy
 * answers by throwing.
 */
export const hostileFactories: ReadonlyArray<() => unknown> = [
  () => throwingProxy(),
  () => throwingProxy(new Error('inside')),
  revokedProxy,
  throwingGetters,
  brandedTrap,
  shapeShifter,
  () => Object.create(null),
  () => Object.assign(Object.create(null), { code: 400, errorMessage: 'X' }),
  () => Object.freeze({ code: {}, errorMessage: 1 }),
  () => Object.freeze(new Error('frozen')),
  () => Object.seal({ errorCode: 'x' }),
  () => Symbol('thrown'),
  () => 123n,
  () => () => 'a function',
  () => null,
  () => undefined,
]

/** Any value a user or a peer library may hand over, hostile ones included, as a factory. */
export const anyForeignValue: fc.Arbitrary<() => unknown> = fc.oneof(
  fc
    .anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true })
    .map((value) => () => value),
  fc.integer({ min: 0, max: hostileFactories.length - 1 }).map((index) => hostileFactories[index]!),
)
