import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { classifyBotApiError } from '../../src/adapters/grammy/index.js'
import { isMtRpcError } from '../../src/adapters/mtcute/mt-rpc-error.js'
import { describeThrown, describeValue, MAX_RENDERED_LENGTH } from '../../src/error/foreign-value.js'
import { BadRequestError, detailsOf, explain, isRpcError, RpcError } from '../../src/index.js'
import {
  anyForeignValue,
  brandedTrap,
  revokedProxy,
  throwingGetters,
  throwingProxy,
} from './hostile-values.js'

describe('readers of unknown values never throw', () => {
  it('reject a Proxy with throwing traps, a revoked Proxy and throwing getters', () => {
    for (const value of [throwingProxy(), revokedProxy(), throwingGetters(), brandedTrap()]) {
      expect(RpcError.tryFrom(value)).toBeUndefined()
      expect(RpcError.is(value, 'PEER_ID_INVALID')).toBe(false)
      expect(value instanceof BadRequestError).toBe(false)
      expect(classifyBotApiError(value)).toBeUndefined()
      expect(detailsOf(value)).toBeUndefined()
      expect(explain(value).known).toBe(false)
    }
    expect(isRpcError(throwingProxy())).toBe(false)
    expect(isRpcError(revokedProxy())).toBe(false)
  })

  it('still recognise a frozen RpcError, and format its message', () => {
    const frozen = Object.freeze(RpcError.from(420, 'FLOOD_WAIT_5'))
    expect(RpcError.tryFrom(frozen)).toBe(frozen)
    expect(RpcError.is(frozen, 'FLOOD_WAIT_%d')).toBe(true)
    expect(frozen.message).toBe('420 FLOOD_WAIT_5: a wait of 5 seconds is required')
    expect(frozen.captureStack()).toBe(frozen)
  })

  it('hold for arbitrary values, hostile ones included', () => {
    fc.assert(
      fc.property(anyForeignValue, (draw) => {
        const value = draw()
        const error = RpcError.tryFrom(value)
        if (error !== undefined) expect(isRpcError(error)).toBe(true)
        expect(typeof isRpcError(value)).toBe('boolean')
        expect(typeof RpcError.is(value)).toBe('boolean')
        expect(typeof RpcError.is(value, 'FLOOD_WAIT_%d')).toBe('boolean')
        expect(typeof (value instanceof RpcError)).toBe('boolean')
        expect(typeof explain(value).summary).toBe('string')
        classifyBotApiError(value)
        expect(typeof isMtRpcError(value)).toBe('boolean')
        detailsOf(value)
        for (const text of [describeValue(value), describeThrown(value)]) {
          expect(text).not.toMatch(/\[object /)
          expect(text.length).toBeLessThan(3 * MAX_RENDERED_LENGTH)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('describeValue', () => {
  it('names what a value is, briefly', () => {
    expect(describeValue(null)).toBe('null')
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue('x'.repeat(1000))).toHaveLength(`a string ""`.length + MAX_RENDERED_LENGTH + 1)
    expect(describeValue(42)).toBe('the number 42')
    expect(describeValue(7n)).toBe('a bigint 7n')
    expect(describeValue(Symbol('s'))).toBe('a symbol Symbol(s)')
    expect(describeValue(function send() {})).toBe('a function send')
    expect(describeValue(new TypeError('closed'))).toBe('TypeError: closed')
    expect(describeValue(new Map())).toBe('an object of class Map')
    expect(describeValue({ a: 1, b: 2 })).toBe('an object { a, b }')
    expect(describeValue(Object.create(null))).toBe('an object')
    expect(describeValue(revokedProxy())).toBe('an object')
  })
})
