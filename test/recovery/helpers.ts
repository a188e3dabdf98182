import { setImmediate as realSetImmediate } from 'node:timers'
import type { CatalogEntry } from '../../src/catalog/types.js'
import {
  type Clock,
  createInvoker,
  type InvokerOptions,
  type RecoveryEvents,
  RpcError,
  type SendRequest,
} from '../../src/index.js'

/** Lets every pending promise reaction run (a macrotask turn drains the microtask queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve))
}

/**
 * A manual clock for the engine. `advance` moves time forward, firing due timers in order and
 * letting the promise chains they start run between them, so a test reads like a timeline.
 */
export class FakeClock implements Clock {
  #now = 1_700_000_000_000
  private readonly timers = new Map<number, { at: number; callback: () => void }>()
  private nextId = 1

  now(): number {
    return this.#now
  }

  setTimer(callback: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.set(id, { at: this.#now + Math.max(0, ms), callback })
    return id
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number)
  }

  /** Timers set and neither fired nor cleared. */
  get pending(): number {
    return this.timers.size
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      await flush()
      let dueId: number | undefined
      let dueAt = Number.POSITIVE_INFINITY
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && timer.at < dueAt) {
          dueAt = timer.at
          dueId = id
        }
      }
      if (dueId === undefined) break
      const timer = this.timers.get(dueId)
      this.timers.delete(dueId)
      this.#now = Math.max(this.#now, dueAt)
      timer?.callback()
    }
    this.#now = target
    await flush()
  }
}

/** An error as a transport would throw it. */
export function rpc(code: number, errorMessage: string): RpcError {
  return RpcError.from(code, errorMessage)
}

/**
 * A send answering AUTH_KEY_UNREGISTERED on DC `dcId` until the `authorizeOn` hook given with it
 * ran for that DC, and `value` otherwise: a file DC the account has not exported its login to.
 */
export function unauthorizedOn(dcId: number, value: unknown) {
  const authorized = new Set<number>()
  return {
    authorizeOn: async (id: number): Promise<void> => {
      authorized.add(id)
    },
    send: (request: SendRequest): unknown => {
      if (request.dcId === dcId && !authorized.has(dcId)) throw rpc(401, 'AUTH_KEY_UNREGISTERED')
      return value
    },
  }
}

/** What `send` saw, per attempt. */
export interface Sent {
  readonly method: string
  readonly params: unknown
  readonly dcId: number | undefined
  readonly attempt: number
  readonly at: number
}

/** A transport driven by a function of the request; records every request with the clock's time. */
export function scriptedSend(clock: Clock, answer: (request: SendRequest, index: number) => unknown) {
  const sent: Sent[] = []
  const send = (request: SendRequest): unknown => {
    sent.push({
      method: request.method,
      params: request.params,
      dcId: request.dcId,
      attempt: request.attempt,
      at: clock.now(),
    })
    return answer(request, sent.length - 1)
  }
  return { send, sent }
}

/** A transport that answers with each item of `script` in turn (errors are thrown), then `ok`. */
export function sequence(clock: Clock, script: readonly unknown[], ok: unknown = 'ok') {
  return scriptedSend(clock, (_request, index) => {
    const step = index < script.length ? script[index] : ok
    if (step instanceof Error) throw step
    return step
  })
}

/** Records every event of an invoker, in order. */
export function recordEvents(invoker: ReturnType<typeof createInvoker>) {
  const events: Array<{ name: keyof RecoveryEvents; event: unknown }> = []
  const names: Array<keyof RecoveryEvents> = [
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
  ]
  for (const name of names) invoker.on(name, (event) => events.push({ name, event }))
  return {
    events,
    of: <K extends keyof RecoveryEvents>(name: K) =>
      events.filter((entry) => entry.name === name).map((entry) => entry.event as RecoveryEvents[K]),
  }
}

/** An invoker on a fake clock with deterministic jitter (random = 0.5: no spread). */
/**
 * An invoker on a fake clock. These tests pin down the engine's own rules, so the package's
 * catalogue is left out unless a test passes one (test/recovery/default-catalog.test.ts covers the
 * default).
 */
export function setup(options: Omit<InvokerOptions, 'clock' | 'random'> & { clock?: FakeClock }) {
  const clock = options.clock ?? new FakeClock()
  const invoke = createInvoker({ random: () => 0.5, catalog: false, ...options, clock })
  return { clock, invoke, log: recordEvents(invoke) }
}

/** Settles `promise` into data, so a test can advance time before looking at it. */
export function capture<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false }
  promise.then(
    (value) => {
      state.settled = true
      state.value = value
    },
    (error: unknown) => {
      state.settled = true
      state.error = error
    },
  )
  return state
}

/** A catalogue stub: only the entries given. */
export function catalogOf(entries: Record<string, Partial<CatalogEntry>>) {
  return {
    lookup(template: string): CatalogEntry | undefined {
      const entry = entries[template]
      if (entry === undefined) return undefined
      return {
        name: template,
        codes: [400],
        params: [],
        description: `about ${template}`,
        action: 'do-not-retry',
        methods: [],
        ...entry,
      }
    },
  }
}
