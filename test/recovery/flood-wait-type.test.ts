import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { classifyBotApiError } from '../../src/adapters/grammy/index.js'
import { RpcError } from '../../src/index.js'
import {
  floodWaitSecondsOf,
  floodWaitTypeForMs,
  MAX_FLOOD_WAIT_SECONDS,
} from '../../src/recovery/flood-wait-type.js'

/** Numbers and non-numbers a peer or a store might hand over as a wait. */
const anyWait = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1, 0.5, 2 ** 53),
  fc.anything(),
)

describe('flood types built from numbers keep the grammar', () => {
  it('FLOOD_WAIT_ is followed by digits only, for any number of ms', () => {
    fc.assert(
      fc.property(anyWait, (value) => {
        const type = floodWaitTypeForMs(value as number)
        expect(type).toMatch(/^FLOOD_WAIT_\d+$/)
        const error = RpcError.from({ code: 420, type })
        expect(error.template).toBe('FLOOD_WAIT_%d')
        expect(Number(type.slice('FLOOD_WAIT_'.length))).toBeLessThanOrEqual(MAX_FLOOD_WAIT_SECONDS)
      }),
    )
  })

  it('takes only numbers of 0 or more as seconds, rounded up and capped', () => {
    fc.assert(
      fc.property(anyWait, (value) => {
        const seconds = floodWaitSecondsOf(value)
        if (typeof value !== 'number' || !(value >= 0)) expect(seconds).toBeUndefined()
        else expect(seconds).toBe(Math.min(Math.ceil(value), MAX_FLOOD_WAIT_SECONDS))
      }),
    )
  })

  it('a Bot API 429 with any retry_after classifies to a well-formed type or none', () => {
    fc.assert(
      fc.property(anyWait, (retryAfter) => {
        const info = classifyBotApiError({
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 5',
          parameters: { retry_after: retryAfter },
        })
        expect(
          info?.type === undefined ||
            /^FLOOD_WAIT_\d+$/.test(info.type) ||
            !info.type.startsWith('FLOOD_WAIT'),
        ).toBe(true)
        if (info?.retryAfterMs !== undefined) expect(Number.isSafeInteger(info.retryAfterMs)).toBe(true)
      }),
    )
  })
})
