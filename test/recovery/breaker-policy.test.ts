import { describe, expect, it } from 'vitest'
import {
  CircuitOpenError,
  createBreakerPolicy,
  defaultPolicies,
  detailsOf,
  InternalServerError,
  NetworkError,
  type RpcError,
} from '../../src/index.js'
import { capture, rpc, scriptedSend, setup } from './helpers.js'

/** An invoker whose DC 2 fails with `failure` while `down()` says so; other DCs always answer. */
function fleet(options: { maxBreakerWaitMs?: number; failure?: () => unknown } = {}) {
  const breaker = createBreakerPolicy({ failureThreshold: 3, openMs: 5_000, ...options })
  let down = true
  const failure = options.failure ?? (() => rpc(500, 'INTERNAL_SERVER_ERROR'))
  const { clock, invoke, log } = setup({
    send: (request) => transport.send(request),
    homeDcId: 2,
    maxAttempts: 10,
    baseDelayMs: 100,
    maxDelayMs: 100,
    policies: defaultPolicies({ breaker }),
  })
  const transport = scriptedSend(clock, (request) => {
    if (down && request.dcId === 2) throw failure()
    return `ok from ${request.dcId}`
  })
  return {
    breaker,
    clock,
    invoke,
    log,
    transport,
    heal: () => {
      down = false
    },
  }
}

describe('the circuit breaker per DC', () => {
  it('opens on a storm of 500s: the call that saw it ends with its last real error and the next probe', async () => {
    const { clock, invoke, log, transport, breaker } = fleet()
    const started = clock.now()
    const first = capture(invoke('messages.getHistory', { peer: 1 }))
    await clock.advance(1_000)
    const error = first.error as RpcError
    expect(error).toBeInstanceOf(InternalServerError)
    expect(transport.sent).toHaveLength(3)
    expect(detailsOf(error)).toMatchObject({ giveUpReason: 'circuit-open', retryAt: started + 200 + 5_000 })
    expect(log.of('breaker')).toEqual([
      {
        account: 'default',
        dcId: 2,
        from: 'closed',
        to: 'open',
        nextProbeAt: started + 200 + 5_000,
        failures: 3,
      },
    ])
    expect(breaker.stateOf(2)).toBe('open')
  })

  it('fails later calls at once, unsent, with a typed error carrying the next probe', async () => {
    const { clock, invoke, transport } = fleet()
    capture(invoke('messages.getHistory', {}))
    await clock.advance(1_000)
    const sentBefore = transport.sent.length
    const refused = capture(invoke('messages.getHistory', {}))
    await clock.advance(0)
    expect(refused.error).toBeInstanceOf(CircuitOpenError)
    expect(refused.error).toMatchObject({ dcId: 2, retryAt: clock.now() - 800 + 5_000 })
    expect(detailsOf(refused.error)?.giveUpReason).toBe('circuit-open')
    expect(transport.sent).toHaveLength(sentBefore)
  })

  it('keeps other DCs open for business', async () => {
    const { clock, invoke, breaker } = fleet()
    capture(invoke('messages.getHistory', {}))
    await clock.advance(1_000)
    const elsewhere = capture(invoke('upload.getFile', {}, { dcId: 4 }))
    await clock.advance(0)
    expect(elsewhere.value).toBe('ok from 4')
    expect(breaker.circuits()).toEqual([
      { dcId: 2, state: 'open', nextProbeAt: expect.any(Number), failures: 3 },
    ])
  })

  it('sends one probe when the time comes; its answer closes the circuit', async () => {
    const { clock, invoke, log, heal } = fleet()
    capture(invoke('messages.getHistory', {}))
    await clock.advance(5_200)
    heal()
    const probe = capture(invoke('messages.getHistory', {}))
    await clock.advance(0)
    expect(probe.value).toBe('ok from 2')
    expect(log.of('breaker').map((e) => `${e.from}->${e.to}`)).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->closed',
    ])
  })

  it('opens again for twice as long when the probe fails', async () => {
    const { clock, invoke, log } = fleet()
    capture(invoke('messages.getHistory', {}))
    await clock.advance(5_200)
    const probe = capture(invoke('messages.getHistory', {}))
    await clock.advance(0)
    const reopenedAt = clock.now()
    await clock.advance(200)
    expect(probe.error).toBeInstanceOf(InternalServerError)
    const reopened = log.of('breaker').at(-1)
    expect(reopened).toMatchObject({ from: 'half-open', to: 'open', nextProbeAt: reopenedAt + 10_000 })
  })

  it('lets a call wait for the probe within maxBreakerWaitMs and its deadline, instead of failing', async () => {
    const { clock, invoke, heal, transport } = fleet({ maxBreakerWaitMs: 10_000 })
    capture(invoke('messages.getHistory', {}))
    await clock.advance(1_000)
    const waiting = capture(invoke('messages.getHistory', {}))
    const tooShort = capture(invoke('messages.getHistory', {}, { deadlineMs: 1_000 }))
    await clock.advance(0)
    expect(tooShort.error).toBeInstanceOf(CircuitOpenError)
    heal()
    await clock.advance(4_199)
    expect(waiting.settled).toBe(false)
    await clock.advance(1)
    expect(waiting.value).toBe('ok from 2')
    expect(transport.sent.at(-1)?.at).toBe(clock.now())
  })

  it('holds calls that arrive while a probe is out until its verdict', async () => {
    let answerProbe: ((value: unknown) => void) | undefined
    const breaker = createBreakerPolicy({ failureThreshold: 1, openMs: 1_000, maxBreakerWaitMs: 5_000 })
    let calls = 0
    const { clock, invoke, log } = setup({
      homeDcId: 2,
      maxAttempts: 1,
      policies: defaultPolicies({ breaker }),
      send: () => {
        calls++
        if (calls === 1) throw rpc(-503, 'Timeout')
        if (calls === 2) return new Promise((resolve) => (answerProbe = resolve))
        return 'ok'
      },
    })
    capture(invoke('a', {}))
    await clock.advance(1_000)
    const probe = capture(invoke('probe', {}))
    const held = capture(invoke('held', {}))
    await clock.advance(100)
    expect(held.settled).toBe(false)
    expect(calls).toBe(2)
    answerProbe?.('probe ok')
    await clock.advance(0)
    expect(probe.value).toBe('probe ok')
    expect(held.value).toBe('ok')
    expect(log.of('breaker').map((e) => e.to)).toEqual(['open', 'half-open', 'closed'])
  })

  it('counts network failures and -503s, but not answers such as 303, 400 or 420, which show the DC is up', async () => {
    const { clock, invoke, breaker } = fleet({ failure: () => new Error('socket hang up') })
    const result = capture(invoke('messages.getHistory', {}))
    await clock.advance(1_000)
    expect(result.error).toBeInstanceOf(NetworkError)
    expect(breaker.stateOf(2)).toBe('open')

    const answers = [
      rpc(-503, 'Timeout'),
      rpc(-503, 'Timeout'),
      rpc(400, 'PEER_ID_INVALID'),
      rpc(-503, 'Timeout'),
    ]
    const other = createBreakerPolicy({ failureThreshold: 3 })
    const second = setup({
      homeDcId: 1,
      maxAttempts: 1,
      policies: defaultPolicies({ breaker: other }),
      send: () => {
        throw answers.shift() ?? rpc(-503, 'Timeout')
      },
    })
    for (let i = 0; i < 4; i++) {
      capture(second.invoke('m', {}))
      await second.clock.advance(0)
    }
    // Two timeouts, then a 400 (the DC answered: the count starts over), then one timeout.
    expect(other.circuits()).toEqual([{ dcId: 1, state: 'closed', nextProbeAt: undefined, failures: 1 }])
  })

  it('does not leave the circuit half-open when the probe is aborted', async () => {
    const breaker = createBreakerPolicy({ failureThreshold: 1, openMs: 1_000 })
    let calls = 0
    const { clock, invoke, log } = setup({
      homeDcId: 2,
      maxAttempts: 1,
      policies: defaultPolicies({ breaker }),
      send: () => (++calls === 1 ? Promise.reject(rpc(500, 'X')) : new Promise(() => undefined)),
    })
    capture(invoke('a', {}))
    await clock.advance(1_000)
    const controller = new AbortController()
    capture(invoke('probe', {}, { signal: controller.signal }))
    await clock.advance(0)
    controller.abort()
    await clock.advance(0)
    expect(log.of('breaker').at(-1)).toMatchObject({
      from: 'half-open',
      to: 'open',
      nextProbeAt: clock.now(),
    })
    // The next call is the new probe.
    capture(invoke('next', {}))
    await clock.advance(0)
    expect(calls).toBe(3)
  })

  it('sits right after floodGate in the default chain when given', () => {
    const breaker = createBreakerPolicy()
    expect(defaultPolicies({ breaker }).map((p) => p.name)).toEqual([
      'floodGate',
      'breaker',
      'migrate',
      'auth',
      'flood',
      'input',
      'retry',
    ])
    expect(defaultPolicies().map((p) => p.name)).not.toContain('breaker')
  })
})
