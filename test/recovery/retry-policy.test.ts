import { describe, expect, it } from 'vitest'
import { detailsOf, InternalServerError, NetworkError, type RpcError } from '../../src/index.js'
import { backoffDelay } from '../../src/recovery/backoff.js'
import { VERSION } from '../../src/version.js'
import { capture, rpc, scriptedSend, sequence, setup } from './helpers.js'

describe('backoffDelay', () => {
  const options = { baseDelayMs: 1_000, maxDelayMs: 64_000 }
  it('doubles from the base to the cap, like the official clients, on average', () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(n, options, mid))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 64_000, 64_000,
    ])
  })

  it('spreads each delay between half and one and a half times, never past the cap', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(2_000)
    expect(backoffDelay(3, options, () => 0.999999)).toBe(6_000)
    expect(backoffDelay(7, options, () => 0.999999)).toBe(64_000)
    expect(backoffDelay(1_000, options, () => 0.5)).toBe(64_000)
  })
})

describe('500 INTERNAL and unknown codes', () => {
  it('retries with backoff, then succeeds', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(500, 'INTERNAL'), rpc(500, 'RPC_CALL_FAIL')], 'done')
    const started = clock.now()
    const result = capture(invoke('messages.getHistory', {}))
    await clock.advance(3_000)
    expect(result.value).toBe('done')
    expect(transport.sent.map((s) => s.at - started)).toEqual([0, 1_000, 3_000])
    expect(log.of('retry').map((e) => [e.attempt, e.delayMs])).toEqual([
      [1, 1_000],
      [2, 2_000],
    ])
  })

  it('ends a 500 storm with the last real error, its history, the method and a report', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const transport = scriptedSend(clock, (_r, i) => {
      throw rpc(500, `INTERNAL_SERVER_ERROR_${i}`)
    })
    const result = capture(invoke('messages.sendMessage', { peer: 1, message: 'hi' }))
    await clock.advance(60_000)
    const error = result.error as RpcError
    expect(error).toBeInstanceOf(InternalServerError)
    expect(error.errorMessage).toBe('INTERNAL_SERVER_ERROR_4')
    const details = detailsOf(error)
    expect(details).toMatchObject({ method: 'messages.sendMessage', giveUpReason: 'attempts-exhausted' })
    expect(details?.attempts.map((a) => [a.attempt, a.code, a.message, a.waitMs])).toEqual([
      [1, 500, 'INTERNAL_SERVER_ERROR_0', 0],
      [2, 500, 'INTERNAL_SERVER_ERROR_1', 1_000],
      [3, 500, 'INTERNAL_SERVER_ERROR_2', 2_000],
      [4, 500, 'INTERNAL_SERVER_ERROR_3', 4_000],
      [5, 500, 'INTERNAL_SERVER_ERROR_4', 8_000],
    ])
    const report = details?.report
    expect(report?.method).toBe('messages.sendMessage')
    expect(report?.dcId).toBe(2)
    expect(report?.attempts).toHaveLength(5)
    expect(report?.library).toBe(`mtproto-errors ${VERSION}`)
    expect(log.of('giveUp')[0]).toMatchObject({ reason: 'attempts-exhausted', durationMs: 15_000 })
    expect(transport.sent).toHaveLength(5)
  })

  it('does not start a retry that cannot finish before the deadline', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, () => {
      throw rpc(500, 'INTERNAL')
    })
    const started = clock.now()
    const result = capture(invoke('m.x', {}, { deadlineMs: 5_000 }))
    await clock.advance(5_000)
    expect(detailsOf(result.error)?.giveUpReason).toBe('deadline')
    // 0, 1 s, 3 s; the next delay (4 s) would end past the 5 s budget, so the call ends at 3 s.
    expect(transport.sent.map((s) => s.at - started)).toEqual([0, 1_000, 3_000])
    expect(clock.pending).toBe(0)
  })

  it('is tunable: maxAttempts, baseDelayMs, maxDelayMs', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), baseDelayMs: 100, maxDelayMs: 150 })
    const transport = scriptedSend(clock, () => {
      throw rpc(500, 'INTERNAL')
    })
    const started = clock.now()
    const result = capture(invoke('m.x', {}, { maxAttempts: 4 }))
    await clock.advance(1_000)
    expect(result.error).toBeInstanceOf(InternalServerError)
    expect(transport.sent.map((s) => s.at - started)).toEqual([0, 100, 250, 400])
  })

  it('retries -503 Timeout and other unknown codes', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(-503, 'Timeout'), rpc(502, 'BAD_GATEWAY')])
    const result = capture(invoke('m.x', {}))
    await clock.advance(3_000)
    expect(result.value).toBe('ok')
  })

  it('waits a fixed short delay on WORKER_BUSY_TOO_LONG_RETRY', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(
      clock,
      [1, 2, 3].map(() => rpc(500, 'WORKER_BUSY_TOO_LONG_RETRY')),
    )
    const started = clock.now()
    const result = capture(invoke('m.x', {}))
    await clock.advance(3_000)
    expect(result.value).toBe('ok')
    expect(transport.sent.map((s) => s.at - started)).toEqual([0, 1_000, 2_000, 3_000])
  })

  it('does not retry a 406 and marks it not for the user', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(406, 'FRESH_RESET_AUTHORISATION_FORBIDDEN')])
    const error = await invoke('auth.resetAuthorizations', {}).catch((e: unknown) => e)
    expect(detailsOf(error)).toMatchObject({ notForUser: true, giveUpReason: 'not-retryable' })
    expect(log.of('notForUser')).toHaveLength(1)
    expect(transport.sent).toHaveLength(1)
  })

  it('treats a network failure like a 500, ending with a NetworkError that keeps the cause', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), maxAttempts: 2 })
    const cause = new Error('ECONNRESET')
    const transport = scriptedSend(clock, () => {
      throw cause
    })
    const result = capture(invoke('m.x', {}))
    await clock.advance(2_000)
    const error = result.error as NetworkError
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.cause).toBe(cause)
    expect(detailsOf(error)?.attempts.map((a) => a.message)).toEqual([
      'NetworkError: send failed: ECONNRESET',
      'NetworkError: send failed: ECONNRESET',
    ])
    expect(transport.sent).toHaveLength(2)
  })

  it('can be turned off per call', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(500, 'INTERNAL')])
    const error = await invoke('m.x', {}, { handle: { retry: false } }).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('opted-out')
    expect(transport.sent).toHaveLength(1)
  })
})
