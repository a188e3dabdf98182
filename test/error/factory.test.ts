import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  BadRequestError,
  FloodError,
  InternalServerError,
  isRpcError,
  RpcError,
  SeeOtherError,
} from '../../src/index.js'

describe('RpcError.from', () => {
  it('accepts type and description that arrived separately, as they are', () => {
    const error = RpcError.from({ code: 400, type: 'USERNAME_INVALID', description: 'nope: really' })
    expect(error).toBeInstanceOf(BadRequestError)
    expect(error.type).toBe('USERNAME_INVALID')
    expect(error.description).toBe('nope: really')
    expect(error.errorMessage).toBe('USERNAME_INVALID: nope: really')
    expect(RpcError.from({ code: 420, type: 'FLOOD_WAIT_3' }).params).toEqual({ seconds: 3 })
  })

  it('accepts TL objects in both spellings', () => {
    expect(RpcError.from({ errorCode: 420, errorMessage: 'FLOOD_WAIT_4' }).params).toEqual({ seconds: 4 })
    expect(RpcError.from({ error_code: 303, error_message: 'FILE_MIGRATE_4' }).params).toEqual({ dcId: 4 })
  })

  it('accepts the Bot API error body', () => {
    const error = RpcError.from({ error_code: 400, description: 'Bad Request: chat not found' })
    expect(error.code).toBe(400)
    expect(error.description).toBe('Bad Request: chat not found')
    expect(error.type).toBeUndefined()
  })

  it('returns an RpcError unchanged', () => {
    const error = RpcError.from(400, 'X')
    expect(RpcError.from(error)).toBe(error)
  })

  it('throws a TypeError for values that are no error shape, and tryFrom returns undefined', () => {
    for (const value of [null, undefined, 'FLOOD_WAIT_3', {}, { code: 'x' }, new Error('plain')]) {
      expect(RpcError.tryFrom(value)).toBeUndefined()
      expect(() => RpcError.from(value as never)).toThrow(TypeError)
    }
    expect(RpcError.tryFrom(42)).toBeUndefined()
  })

  it('never captures a stack on the fast path, and captureStack adds one', () => {
    const error = RpcError.from(400, 'X')
    expect(Object.hasOwn(error, 'stack')).toBe(false)
    function callerFrame() {
      // Not `return error.captureStack()`: JavaScriptCore (Bun, Safari) implements proper tail
      // calls, which drop the frame of a function that returns another call's result.
      const captured = error.captureStack()
      return captured
    }
    expect(callerFrame().stack).toContain('callerFrame')
  })

  it('builds a real Error subclass with a native stack through the constructor', () => {
    const error = new RpcError(500, 'INTERNAL')
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(InternalServerError)
    expect(error.stack).toContain('500 INTERNAL')
  })
})

describe('is() and isRpcError()', () => {
  it('narrows params by template', () => {
    const error: unknown = RpcError.from(420, 'FLOOD_WAIT_30')
    if (RpcError.is(error, 'FLOOD_WAIT_%d')) {
      expectTypeOf(error.params.seconds).toEqualTypeOf<number>()
      expect(error.params.seconds).toBe(30)
    } else expect.unreachable()
    expect(RpcError.is(error, 'FLOOD_WAIT_30')).toBe(true)
    expect(RpcError.is(error, 'SLOWMODE_WAIT_%d')).toBe(false)
    expect(RpcError.is(new Error('x'))).toBe(false)
  })

  // A browser keeps one module per URL for the page's lifetime, so Vitest cannot load a second
  // copy there (vi.resetModules does nothing in browser mode).
  it.skipIf(typeof document !== 'undefined')('works across two copies of the package', async () => {
    // A second copy of the module graph, as when both the CJS and ESM builds are loaded.
    vi.resetModules()
    const copy = await import('../../src/index.js')
    expect(copy.RpcError).not.toBe(RpcError)
    const foreign = copy.RpcError.from(420, 'FLOOD_WAIT_5')
    expect(isRpcError(foreign)).toBe(true)
    expect(RpcError.is(foreign, 'FLOOD_WAIT_%d')).toBe(true)
    expect(foreign instanceof RpcError).toBe(true)
    expect(foreign instanceof FloodError).toBe(true)
    expect(foreign instanceof SeeOtherError).toBe(false)
    expect(RpcError.from(foreign as never)).toBe(foreign)
  })
})
