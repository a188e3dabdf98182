import { afterEach, describe, expect, it, vi } from 'vitest'
import { detailsOf, NetworkError } from '../../src/index.js'
import {
  createTestkitInvoker,
  type PlainCluster,
  startCluster,
  type TestkitInvoker,
} from '../../src/testkit/index.js'

let cluster: PlainCluster | undefined
let invoke: TestkitInvoker | undefined

afterEach(async () => {
  invoke?.close()
  invoke = undefined
  await cluster?.stop()
  cluster = undefined
})

const CALLS = 40

/** Starts CALLS slow calls on DC 2, crashes it while they are in flight, and brings it back after `downMs`. */
async function crashDuringCalls(downMs: number, maxAttempts: number) {
  cluster = await startCluster({
    accounts: { alice: { homeDcId: 2 } },
    // Every answer late, by up to 400 ms: most calls are still in flight when the DC goes down.
    transportFaults: { slowRate: 1, slowMs: 400 },
  })
  invoke = createTestkitInvoker(cluster, { account: 'alice', baseDelayMs: 50, maxDelayMs: 100, maxAttempts })
  await invoke('help.getConfig') // connected
  // Observed at once: a call that fails while the DC is down must not look like an unhandled rejection.
  const settled = Promise.allSettled(
    Array.from({ length: CALLS }, (_, i) =>
      (invoke as TestkitInvoker)('messages.getHistory', { peer: `chat-${i}` }),
    ),
  )
  // Crash once the DC has every call (help.getConfig and the CALLS), rather than after a guessed
  // delay; their answers are held back by the slow fault, so the calls are in flight.
  const running = cluster
  await vi.waitFor(() => expect(running.report().requests).toBe(CALLS + 1), { interval: 5 })
  const inFlight = invoke.pendingCount
  await cluster.stopDc(2)
  await new Promise((resolve) => setTimeout(resolve, downMs))
  await cluster.startDc(2)
  return { inFlight, outcomes: await settled }
}

describe('a DC that crashes while calls are in flight', () => {
  it('calls succeed after the reconnection when the DC is back within their retries', async () => {
    const { inFlight, outcomes } = await crashDuringCalls(60, 6)
    expect(inFlight).toBeGreaterThan(CALLS / 2)
    expect(outcomes).toHaveLength(CALLS)
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true)
    expect(cluster?.report().connections).toBeGreaterThan(1)
  })

  it('calls end in typed errors, with their attempts, when it stays down longer', async () => {
    const { inFlight, outcomes } = await crashDuringCalls(400, 2)
    expect(outcomes).toHaveLength(CALLS)
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    // those answered before the crash succeeded; those in flight failed (an answer already on the
    // wire when the DC died may still arrive, hence at most)
    expect(failed.length).toBeGreaterThan(CALLS / 2)
    expect(failed.length).toBeLessThanOrEqual(inFlight)
    for (const { reason: error } of failed) {
      expect(error).toBeInstanceOf(NetworkError)
      expect(detailsOf(error)).toMatchObject({ giveUpReason: 'attempts-exhausted', lastDcId: 2 })
      expect(detailsOf(error)?.attempts).toHaveLength(2)
    }
    // and the next call, with the DC back, goes through a fresh connection
    await expect(invoke?.('messages.getHistory', { peer: 'after' })).resolves.toEqual({ messages: [] })
  })
})
