import { describe, expect, expectTypeOf, it } from 'vitest'
import { FloodError, RpcError, type RpcErrorOf } from '../../src/error/index.js'

// This file is checked by `tsc --noEmit` (tsconfig includes test/): each `@ts-expect-error` below
// fails the type check if the line after it ever compiles again.

describe('RpcError.is() narrowing', () => {
  it('gives exactly the template params, so a wrong or misspelt name does not compile', () => {
    const error: unknown = RpcError.from(420, 'FLOOD_WAIT_30')
    expect(RpcError.is(error, 'FLOOD_WAIT_%d')).toBe(true)
    if (RpcError.is(error, 'FLOOD_WAIT_%d')) {
      expectTypeOf(error.params).toEqualTypeOf<{ readonly seconds: number }>()
      expectTypeOf(error.template).toEqualTypeOf<'FLOOD_WAIT_%d'>()
      // @ts-expect-error FLOOD_WAIT_%d has no dcId
      void error.params.dcId
      // @ts-expect-error a misspelt parameter
      void error.params.secondz
      expect(error.params.seconds).toBe(30)
    }
  })

  it('narrows the same way through the instance method', () => {
    const error = RpcError.from(303, 'USER_MIGRATE_2')
    expect(error.is('USER_MIGRATE_%d')).toBe(true)
    if (error.is('USER_MIGRATE_%d')) {
      expectTypeOf(error.params).toEqualTypeOf<{ readonly dcId: number }>()
      // @ts-expect-error USER_MIGRATE_%d has no seconds
      void error.params.seconds
    }
  })

  it('keeps a narrowed error usable where an RpcError is expected', () => {
    expectTypeOf<RpcErrorOf<'FLOOD_WAIT_%d'>>().toExtend<RpcError>()
    expectTypeOf<RpcErrorOf<'PHONE_NUMBER_INVALID'>['params']>().toEqualTypeOf<{}>()
  })

  it('rejects a template literal the catalogue does not know', () => {
    const error: unknown = RpcError.from(420, 'FLOOD_WAIT_30')
    // @ts-expect-error %s is no placeholder of any template
    expect(RpcError.is(error, 'FLOOD_WAIT_%s')).toBe(false)
    // @ts-expect-error types are upper case
    expect(RpcError.is(error, 'flood_wait_30')).toBe(false)
    // @ts-expect-error through the instance method too
    expect(RpcError.from(420, 'FLOOD_WAIT_30').is('FLOOD_WAIT_%x')).toBe(false)
  })

  it('accepts a concrete type literal and a string read at run time', () => {
    const error: unknown = RpcError.from(420, 'FLOOD_WAIT_30')
    expect(RpcError.is(error, 'FLOOD_WAIT_30')).toBe(true)
    // A type the catalogue may not know yet is still a valid question.
    expect(RpcError.is(error, 'SOME_FUTURE_ERROR')).toBe(false)
    const fromConfig: string = ['FLOOD', 'WAIT', '%d'].join('_')
    expect(RpcError.is(error, fromConfig)).toBe(true)
    expect(RpcError.is(error)).toBe(true)
    if (RpcError.is(error, fromConfig)) expectTypeOf(error).toEqualTypeOf<RpcError>()
    expect(error instanceof FloodError).toBe(true)
  })
})
