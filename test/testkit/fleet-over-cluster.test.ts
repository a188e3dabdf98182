import { afterEach, describe, expect, it } from 'vitest'
import {
  type BreakerEvent,
  CircuitOpenError,
  createBreakerPolicy,
  createInvoker,
  createPool,
  defaultPolicies,
  type PoolRerouteEvent,
} from '../../src/index.js'
import {
  connect,
  type PlainCluster,
  type PlainTransport,
  startPlainCluster,
} from '../../src/testkit/plain/index.js'

let cluster: PlainCluster | undefined
const transports: PlainTransport[] = []

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close()
  await cluster?.stop()
  cluster = undefined
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function invokerFor(
  cluster: PlainCluster,
  account: string,
  homeDcId: number,
  breaker: ReturnType<typeof createBreakerPolicy>,
) {
  const transport = connect(cluster, { account, defaultDcId: homeDcId, connectTimeoutMs: 200 })
  transports.push(transport)
  return createInvoker({
    account,
    homeDcId,
    send: (request) => transport.send(request),
    policies: defaultPolicies({ breaker }),
    baseDelayMs: 10,
    maxDelayMs: 40,
    deadlineMs: 2_000,
  })
}

/** The breaker and the pool for real: TCP, a DC that crashes for a stretch of the run, then comes back. */
describe('the breaker and the pool over the plain cluster, with a DC down for a stretch', () => {
  it('opens the breaker of the failing DC, fails fast meanwhile, and closes it with a probe once the DC is back', async () => {
    cluster = await startPlainCluster({ accounts: { alice: { homeDcId: 2 } } })
    const breaker = createBreakerPolicy({ failureThreshold: 3, openMs: 200, maxOpenMs: 200 })
    const invoke = invokerFor(cluster, 'alice', 2, breaker)
    const transitions: BreakerEvent[] = []
    invoke.on('breaker', (event) => transitions.push(event))

    await expect(invoke('messages.getHistory', { peer: 1 })).resolves.toEqual({ messages: [] })
    await cluster.stopDc(2)
    const outcomes: unknown[] = []
    const requestsAtStop = cluster.report().requests
    const outageEnds = Date.now() + 800
    while (Date.now() < outageEnds) {
      const started = Date.now()
      outcomes.push(await invoke('messages.getHistory', { peer: 1 }).catch((error: unknown) => error))
      // Failing fast means failing in far less than a connect timeout plus backoff.
      if (outcomes.at(-1) instanceof CircuitOpenError) expect(Date.now() - started).toBeLessThan(150)
      await sleep(10)
    }
    expect(outcomes.filter((o) => o instanceof CircuitOpenError).length).toBeGreaterThan(10)
    await cluster.startDc(2)
    await sleep(250)
    await expect(invoke('messages.getHistory', { peer: 1 })).resolves.toEqual({ messages: [] })
    expect(transitions[0]).toMatchObject({ dcId: 2, from: 'closed', to: 'open' })
    expect(transitions.at(-1)).toMatchObject({ dcId: 2, from: 'half-open', to: 'closed' })
    expect(breaker.stateOf(2)).toBe('closed')
    // Nothing reached the dead DC, and the server never counted a call while it was down.
    expect(cluster.report().requests).toBe(requestsAtStop + 1)
  })

  it('keeps pooled work flowing through another account while one account’s DC is down', async () => {
    cluster = await startPlainCluster({ accounts: { alice: { homeDcId: 2 }, bob: { homeDcId: 4 } } })
    const breaker = createBreakerPolicy({ failureThreshold: 3, openMs: 200, maxOpenMs: 200 })
    const alice = invokerFor(cluster, 'alice', 2, breaker)
    const bob = invokerFor(cluster, 'bob', 4, breaker)
    const pool = createPool({ accounts: [alice, bob], breaker })
    const moves: PoolRerouteEvent[] = []
    pool.on('reroute', (event) => moves.push(event))

    const runFor = async (ms: number) => {
      const served: string[] = []
      const until = Date.now() + ms
      while (Date.now() < until) {
        const result = (await pool('users.getFullUser', {})) as { id: string }
        served.push(result.id)
        await sleep(5)
      }
      return served
    }
    const before = await runFor(300)
    await cluster.stopDc(2)
    const during = await runFor(700)
    await cluster.startDc(2)
    await sleep(250)
    const after = await runFor(400)

    // No pooled call failed at any point (runFor would have thrown); alice served before and after.
    expect(before).toContain('alice')
    expect(during.length).toBeGreaterThan(20)
    expect(during.filter((id) => id === 'alice').length).toBe(0)
    expect(after).toContain('alice')
    expect(moves.some((m) => m.from === 'alice' && m.reason === 'circuit-open')).toBe(true)
    expect(breaker.stateOf(2)).toBe('closed')
  })
})
