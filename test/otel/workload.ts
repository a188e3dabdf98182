import type { Invoker } from '../../src/recovery/invoker.js'
import { type Cluster, createTestkitInvoker, startCluster } from '../../src/testkit/index.js'
import { FakeClock } from '../recovery/helpers.js'

/** The fixed flood wait the scripted cluster answers the second message with. */
export const FLOOD_WAIT_MS = 3000

/** The calls of the scripted workload, in order, with what each meets. */
export const WORKLOAD: ReadonlyArray<readonly [method: string, params: unknown]> = [
  ['users.getFullUser', {}], // USER_MIGRATE_2: the client starts on DC 1
  ['messages.sendMessage', { peer: 'user:bob', message: 'one' }],
  ['messages.sendMessage', { peer: 'user:bob', message: 'two' }], // FLOOD_WAIT_3, slept through
  ['messages.getHistory', { peer: 'user:bob' }], // 500 five times: give-up, attempts exhausted
  ['account.updateProfile', { first_name: '' }], // FIRSTNAME_INVALID: give-up, not retryable
]

/** A testkit cluster scripted for {@link WORKLOAD}, and an invoker on a fake clock the cluster shares. */
export async function startScriptedCluster(): Promise<{
  cluster: Cluster
  invoke: Invoker
  clock: FakeClock
}> {
  const clock = new FakeClock()
  const cluster = await startCluster({
    accounts: { alice: { homeDcId: 2, authorizedOn: [1, 2] } },
    floodRules: [
      { method: 'messages.sendMessage', scope: 'peer', maxCalls: 1, windowMs: 60_000, waitMs: FLOOD_WAIT_MS },
    ],
    faults: { byMethod: { 'messages.getHistory': { internalErrorRate: 1 } } },
    now: () => clock.now(),
  })
  // random() = 0.5 makes every backoff its nominal delay: 1, 2, 4 and 8 seconds.
  const invoke = createTestkitInvoker(cluster, { account: 'alice', defaultDcId: 1, clock, random: () => 0.5 })
  return { cluster, invoke, clock }
}

/**
 * Moves the fake clock in small steps, with a real pause between them for the loopback sockets,
 * until `promise` settles; bounded, so a call that never ends fails the test instead of hanging it.
 */
export async function drive<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let settled = false
  const mark = () => {
    settled = true
  }
  promise.then(mark, mark)
  for (let step = 0; step < 400 && !settled; step++) {
    await clock.advance(250)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return promise
}

/** Runs {@link WORKLOAD} one call at a time; each result or error, in order. */
export async function runWorkload(invoke: Invoker, clock: FakeClock): Promise<unknown[]> {
  const outcomes: unknown[] = []
  for (const [method, params] of WORKLOAD) {
    outcomes.push(await drive(clock, invoke(method, params)).catch((error: unknown) => error))
  }
  return outcomes
}
