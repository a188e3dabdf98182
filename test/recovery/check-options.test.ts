import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { wrapClient } from '../../src/adapters/gramjs/index.js'
import { botApiTransformer } from '../../src/adapters/grammy/index.js'
import { mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import {
  createBreakerPolicy,
  createInvoker,
  createPool,
  defaultPolicies,
  isRpcError,
  RecoveryError,
} from '../../src/index.js'
import { renderValue } from '../../src/recovery/check-option.js'
import { anyValue, checkedOrWorks } from '../option-values.js'
import { capture, FakeClock, rpc } from './helpers.js'

const LIMITS = [
  'deadlineMs',
  'maxFloodWaitMs',
  'maxAttempts',
  'baseDelayMs',
  'maxDelayMs',
  'maxRedirects',
  'maxFloodWaits',
] as const

const ok = () => 'ok'

describe('option checks: any value is accepted and works, or fails at once naming the option', () => {
  it('createInvoker', async () => {
    const names = [
      ...LIMITS,
      'minFloodWaitMs',
      'homeDcId',
      'knownDcIds',
      'account',
      'redact',
      'random',
      'catalog',
    ]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), anyValue, async (name, value) => {
        const clock = new FakeClock()
        await checkedOrWorks(
          'createInvoker',
          name,
          () => createInvoker({ send: ok, clock, [name]: value }),
          async (invoke) => expect(await invoke('m.x', {})).toBe('ok'),
        )
      }),
      { numRuns: 400 },
    )
  })

  it('an accepted limit gives an answer or a typed give-up through a flood wait and a 500, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LIMITS), anyValue, async (name, value) => {
        const clock = new FakeClock()
        const answers: unknown[] = [rpc(420, 'FLOOD_WAIT_2'), rpc(500, 'INTERNAL')]
        await checkedOrWorks(
          'createInvoker',
          name,
          () =>
            createInvoker({ send: () => answers.shift() ?? 'ok', clock, random: () => 0.5, [name]: value }),
          async (invoke) => {
            const result = capture(invoke('m.x', {}))
            // Flood wait, backoff and deadline at their defaults all fit in a few minutes.
            for (let i = 0; i < 40 && !result.settled; i++) await clock.advance(10_000)
            expect(result.settled).toBe(true)
            if (result.error !== undefined) {
              expect(isRpcError(result.error) || result.error instanceof RecoveryError).toBe(true)
            } else expect(result.value).toBe('ok')
            expect(clock.pending).toBe(0)
          },
        )
      }),
      { numRuns: 300 },
    )
  })

  it('each call (invoke)', async () => {
    const clock = new FakeClock()
    const invoke = createInvoker({ send: ok, clock })
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LIMITS, 'dcId', 'signal', 'after', 'handle', 'priority', 'pace'),
        anyValue,
        async (name, value) => {
          await checkedOrWorks(
            'invoke',
            name,
            () => invoke('m.x', {}, { [name]: value }),
            (result) => expect(result).toBe('ok'),
          )
        },
      ),
      { numRuns: 400 },
    )
  })

  it('refuses a priority or pace it does not know, rather than pacing the call as interactive', async () => {
    const invoke = createInvoker({ send: ok, clock: new FakeClock() })
    await expect(invoke('m.x', {}, { priority: 'Bulk' as 'bulk' })).rejects.toThrow(
      new RangeError('invoke: priority must be one of "interactive", "bulk", got "Bulk"'),
    )
    await expect(invoke('m.x', {}, { pace: 'no' as unknown as boolean })).rejects.toThrow(TypeError)
    expect(await invoke('m.x', {}, { priority: 'bulk', pace: false })).toBe('ok')
  })

  it('names the bag itself when the call options are not an object', async () => {
    const invoke = createInvoker({ send: ok, clock: new FakeClock() })
    await fc.assert(
      fc.asyncProperty(
        anyValue.filter((value) => value === null || (typeof value !== 'object' && value !== undefined)),
        async (value) => {
          await expect(invoke('m.x', {}, value as never)).rejects.toThrow(
            /^invoke: options must be an object/,
          )
        },
      ),
    )
  })

  it('createBreakerPolicy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('failureThreshold', 'openMs', 'maxOpenMs', 'maxBreakerWaitMs', 'countsAgainstDc'),
        anyValue,
        async (name, value) => {
          await checkedOrWorks(
            'createBreakerPolicy',
            name,
            () => createBreakerPolicy({ [name]: value }),
            async (breaker) => {
              const invoke = createInvoker({
                send: ok,
                clock: new FakeClock(),
                policies: [breaker, ...defaultPolicies()],
              })
              expect(await invoke('m.x', {})).toBe('ok')
            },
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('createPool and its calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('accounts', 'breaker', 'clock'),
        anyValue,
        fc.constantFrom(...LIMITS, 'account', 'dcId'),
        anyValue,
        async (name, value, callName, callValue) => {
          const clock = new FakeClock()
          const alice = createInvoker({ send: ok, clock, account: 'alice' })
          await checkedOrWorks(
            'createPool',
            name,
            () => createPool({ accounts: [alice], clock, [name]: value }),
            async (pool) => {
              expect(await pool('m.x', {})).toBe('ok')
              await checkedOrWorks(
                'pool',
                callName,
                () => pool('m.x', {}, { [callName]: callValue }),
                (result) => expect(result).toBe('ok'),
              )
            },
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('the adapters check under their own names', () => {
    const transformerNames = [
      ...LIMITS,
      'token',
      'account',
      'retryServerErrors',
      'followChatMigration',
      'methodClassOf',
    ]
    const adapters = [
      ['botApiTransformer', transformerNames, (options: object) => botApiTransformer(options)],
      [
        'mtcuteRecovery',
        [...LIMITS, 'homeDcId', 'minFloodWaitMs'],
        (options: object) => mtcuteRecovery(options),
      ],
    ] as const
    for (const [owner, names, build] of adapters) {
      fc.assert(
        fc.property(fc.constantFrom(...names), anyValue, (name, value) => {
          let error: unknown
          try {
            build({ [name]: value })
          } catch (caught) {
            error = caught
          }
          if (error === undefined) return
          expect([TypeError, RangeError]).toContain((error as Error).constructor)
          expect((error as Error).message).toContain(`${owner}: ${name}`)
        }),
        { numRuns: 200 },
      )
    }
  })

  it('wrapClient checks before it touches the client', () => {
    expect(() => wrapClient({} as never, { deadlineMs: -1 })).toThrow(
      new RangeError('wrapClient: deadlineMs must be a number >= 0 (or Infinity), got -1'),
    )
    expect(() => wrapClient({} as never, { homeDcId: '2' as never })).toThrow(TypeError)
  })

  it('gives the known traps a clear message', () => {
    expect(() => createInvoker({ send: ok, deadlineMs: Number.NaN })).toThrow(
      new RangeError('createInvoker: deadlineMs must be a number >= 0 (or Infinity), got NaN'),
    )
    expect(() => createInvoker({ send: ok, deadlineMs: '5000' as never })).toThrow(
      new TypeError('createInvoker: deadlineMs must be a number >= 0 (or Infinity), got "5000"'),
    )
    expect(() => createInvoker({ send: ok, maxAttempts: 2.5 })).toThrow(
      'createInvoker: maxAttempts must be a whole number >= 1 (or Infinity), got 2.5',
    )
    expect(() => createInvoker({ send: ok, baseDelayMs: -1 })).toThrow(RangeError)
    expect(() => createInvoker({} as never)).toThrow(
      new TypeError('createInvoker: send must be a function (the transport)'),
    )
  })

  it('renders any value short and without throwing', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no')
        },
        getPrototypeOf() {
          throw new Error('no')
        },
      },
    )
    fc.assert(
      fc.property(
        fc.oneof(anyValue, fc.string({ minLength: 100, maxLength: 10_000 }), fc.constant(hostile)),
        (value) => {
          const text = renderValue(value)
          expect(typeof text).toBe('string')
          expect(text.length).toBeLessThanOrEqual(60)
        },
      ),
    )
  })
})
