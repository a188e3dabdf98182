import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BadRequestError, FloodError, InternalServerError, RpcError } from '../../src/error/index.js'

describe('RpcError.from(a Bot API error body)', () => {
  it('takes a 429 with retry_after for a flood wait of that many seconds, keeping code and text', () => {
    // `parameters` is part of the accepted input type: no cast.
    const error = RpcError.from({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 5',
      parameters: { retry_after: 5 },
    })
    expect(error).toBeInstanceOf(FloodError)
    expect(error).toMatchObject({
      code: 429,
      errorMessage: 'Too Many Requests: retry after 5',
      description: 'Too Many Requests: retry after 5',
      type: 'FLOOD_WAIT_5',
      template: 'FLOOD_WAIT_%d',
      category: 'FLOOD',
      params: { seconds: 5 },
    })
    expect((error as FloodError).seconds).toBe(5)
  })

  it('builds a well-formed type for any whole retry_after, and no type from a bad one', () => {
    // -0 is listed on its own: JSON.parse('-0') gives it, and fc.double() only sometimes does.
    const retryAfters = fc.oneof(fc.nat(), fc.double(), fc.string(), fc.constant(null), fc.constant(-0))
    fc.assert(
      fc.property(retryAfters, (retryAfter) => {
        const error = RpcError.from({
          error_code: 429,
          description: 'Too Many Requests',
          parameters: { retry_after: retryAfter as number },
        })
        expect(error.errorMessage).toBe('Too Many Requests')
        if (Number.isSafeInteger(retryAfter) && (retryAfter as number) >= 0) {
          expect(error.type).toBe(`FLOOD_WAIT_${retryAfter}`)
          // A wait of -0 s is a wait of 0 s (toEqual tells the two apart).
          expect(error.params).toEqual({ seconds: retryAfter === 0 ? 0 : retryAfter })
        } else {
          // Not a number of seconds we can trust: the body is kept, as an unknown-code error.
          expect(error.type).toBeUndefined()
          expect(error).toBeInstanceOf(InternalServerError)
        }
      }),
    )
  })

  it('accepts migrate_to_chat_id and keeps the 400 as it came', () => {
    const error = RpcError.from({
      ok: false,
      error_code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: -1001234567890 },
    })
    expect(error).toBeInstanceOf(BadRequestError)
    expect(error.errorMessage).toBe('Bad Request: group chat was upgraded to a supergroup chat')
    expect(error.type).toBeUndefined()
  })

  it('takes a type the Bot API passes through after its reason phrase', () => {
    const error = RpcError.from({ error_code: 400, description: 'Bad Request: PEER_ID_INVALID' })
    expect(error).toMatchObject({
      code: 400,
      type: 'PEER_ID_INVALID',
      template: 'PEER_ID_INVALID',
      errorMessage: 'Bad Request: PEER_ID_INVALID',
    })
    const sentence = RpcError.from({ error_code: 403, description: 'Forbidden: bot was blocked by the user' })
    expect(sentence.type).toBeUndefined()
    expect(sentence.description).toBe('Forbidden: bot was blocked by the user')
  })
})
