import { describe, expect, it } from 'vitest'
import {
  createBreakerPolicy,
  createInvoker,
  defaultPolicies,
  type InvokerOptions,
  MemoryFloodStore,
  type RecoveryEvents,
  type SendRequest,
} from '../../src/index.js'
import { capture, FakeClock, rpc, scriptedSend } from './helpers.js'

/**
 * `names`, accepted by the compiler only if it lists every event of the engine: a new event is a
 * compile error here until a scenario below emits it.
 */
function everyEvent<const Names extends ReadonlyArray<keyof RecoveryEvents>>(
  names: Names & ([Exclude<keyof RecoveryEvents, Names[number]>] extends [never] ? unknown : never),
): Names {
  return names
}

const EVENT_NAMES = everyEvent([
  'floodWait',
  'floodWindowHit',
  'speedLimit',
  'migrate',
  'homeDcChange',
  'authorize',
  'retry',
  'giveUp',
  'sessionDead',
  'notForUser',
  'storeError',
  'breaker',
  'paceChange',
  'paceWait',
])

const ACCOUNT = 'alice'

interface Recorded {
  readonly name: keyof RecoveryEvents
  readonly event: unknown
}

/**
 * An invoker of account `alice` on a fake clock whose transport is `answer`; records every event
 * of every name. `drive` makes the calls and moves the clock.
 */
async function run(
  options: Omit<InvokerOptions, 'clock' | 'random' | 'send' | 'account'>,
  answer: (request: SendRequest, index: number) => unknown,
  drive: (invoke: ReturnType<typeof createInvoker>, clock: FakeClock) => Promise<void>,
): Promise<Recorded[]> {
  const clock = new FakeClock()
  const transport = scriptedSend(clock, answer)
  const invoke = createInvoker({
    random: () => 0.5,
    catalog: false,
    ...options,
    account: ACCOUNT,
    clock,
    send: transport.send,
  })
  const recorded: Recorded[] = []
  for (const name of EVENT_NAMES) invoke.on(name, (event) => recorded.push({ name, event }))
  await drive(invoke, clock)
  invoke.close()
  return recorded
}

/** Throws `failure` on the first `times` sends, then answers `ok`. */
function failing(failure: () => unknown, times = 1) {
  return (_request: SendRequest, index: number) => {
    if (index < times) throw failure()
    return 'ok'
  }
}

const SCENARIOS: ReadonlyArray<{
  readonly title: string
  readonly emits: ReadonlyArray<keyof RecoveryEvents>
  readonly record: () => Promise<Recorded[]>
}> = [
  {
    title: 'a flood wait, and a second call meeting its window',
    emits: ['floodWait', 'floodWindowHit'],
    record: () =>
      run(
        {},
        failing(() => rpc(420, 'FLOOD_WAIT_2')),
        async (invoke, clock) => {
          const first = capture(invoke('m.send', {}))
          await clock.advance(10)
          const second = capture(invoke('m.send', {}))
          await clock.advance(5_000)
          expect([first.value, second.value]).toEqual(['ok', 'ok'])
        },
      ),
  },
  {
    title: 'a premium speed limit',
    emits: ['speedLimit'],
    record: () =>
      run(
        {},
        failing(() => rpc(420, 'FLOOD_PREMIUM_WAIT_1')),
        async (invoke, clock) => {
          const call = capture(invoke('upload.getFile', {}))
          await clock.advance(5_000)
          expect(call.settled).toBe(true)
        },
      ),
  },
  {
    title: 'a USER_MIGRATE redirect that moves the home DC',
    emits: ['migrate', 'homeDcChange'],
    record: () =>
      run(
        { homeDcId: 2 },
        failing(() => rpc(303, 'USER_MIGRATE_4')),
        async (invoke, clock) => {
          const call = capture(invoke('auth.sendCode', {}))
          await clock.advance(1_000)
          expect(call.value).toBe('ok')
        },
      ),
  },
  {
    title: 'an authorization on another DC',
    emits: ['authorize'],
    record: () => {
      let authorized = false
      return run(
        {
          homeDcId: 2,
          authorizeOn: async () => {
            authorized = true
          },
        },
        () => {
          if (!authorized) throw rpc(401, 'AUTH_KEY_UNREGISTERED')
          return 'ok'
        },
        async (invoke, clock) => {
          const call = capture(invoke('upload.getFile', {}, { dcId: 4 }))
          await clock.advance(1_000)
          expect(call.value).toBe('ok')
        },
      )
    },
  },
  {
    title: 'internal errors retried until the attempts run out',
    emits: ['retry', 'giveUp'],
    record: () =>
      run(
        { maxAttempts: 2 },
        failing(() => rpc(500, 'INTERNAL'), 10),
        async (invoke, clock) => {
          const call = capture(invoke('m.get', {}))
          await clock.advance(60_000)
          expect(call.error).toBeDefined()
        },
      ),
  },
  {
    title: 'a duplicated auth key (a dead session, not for the user)',
    emits: ['sessionDead', 'notForUser', 'giveUp'],
    record: () =>
      run(
        {},
        failing(() => rpc(406, 'AUTH_KEY_DUPLICATED')),
        async (invoke, clock) => {
          const call = capture(invoke('updates.getState', {}))
          await clock.advance(10)
          expect(call.error).toBeDefined()
        },
      ),
  },
  {
    title: 'a flood store that fails to record a window',
    emits: ['storeError'],
    record: () =>
      run(
        { floodStore: { size: 0, get: () => undefined, record: () => Promise.reject(new Error('down')) } },
        failing(() => rpc(420, 'FLOOD_WAIT_1')),
        async (invoke, clock) => {
          const call = capture(invoke('m.x', {}))
          await clock.advance(2_000)
          expect(call.value).toBe('ok')
        },
      ),
  },
  {
    title: 'a pace store that fails to book a slot',
    emits: ['storeError', 'paceChange'],
    record: () => {
      const floodStore = Object.assign(new MemoryFloodStore(), {
        reserve(): never {
          throw new Error('down')
        },
      })
      return run(
        { floodStore, floodScopeOf: () => 'method' },
        failing(() => rpc(420, 'FLOOD_WAIT_1')),
        async (invoke, clock) => {
          const calls = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { i })))
          await clock.advance(10_000)
          expect(calls.map((call) => call.value)).toEqual(['ok', 'ok', 'ok'])
        },
      )
    },
  },
  {
    title: 'a learned pace and the calls paced by it',
    emits: ['paceChange', 'paceWait'],
    record: () =>
      run(
        { floodScopeOf: () => 'method' },
        failing(() => rpc(420, 'FLOOD_WAIT_2')),
        async (invoke, clock) => {
          const calls = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { i })))
          await clock.advance(20_000)
          expect(calls.map((call) => call.value)).toEqual(['ok', 'ok', 'ok'])
        },
      ),
  },
  {
    title: 'a storm of internal errors opening a circuit',
    emits: ['breaker'],
    record: () =>
      run(
        {
          homeDcId: 2,
          maxAttempts: 5,
          baseDelayMs: 100,
          maxDelayMs: 100,
          policies: defaultPolicies({ breaker: createBreakerPolicy({ failureThreshold: 2, openMs: 5_000 }) }),
        },
        failing(() => rpc(500, 'INTERNAL'), 100),
        async (invoke, clock) => {
          const call = capture(invoke('m.get', {}))
          await clock.advance(1_000)
          expect(call.error).toBeDefined()
        },
      ),
  },
]

describe('every engine event names the account of the invoker', () => {
  it.each(SCENARIOS)('$title', async ({ emits, record }) => {
    const recorded = await record()
    const names = new Set(recorded.map((entry) => entry.name))
    for (const name of emits) expect(names, `expected a ${name} event`).toContain(name)
    for (const { name, event } of recorded) expect(event, name).toHaveProperty('account', ACCOUNT)
  })

  it('the scenarios between them emit every event name', () => {
    const covered = new Set(SCENARIOS.flatMap((scenario) => scenario.emits))
    expect([...covered].sort()).toEqual([...EVENT_NAMES].sort())
  })
})
