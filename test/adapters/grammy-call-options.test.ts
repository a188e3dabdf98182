import { Api, Bot } from 'grammy'
import { describe, expect, it } from 'vitest'
import {
  type BotApiTransformerOptions,
  botApiTransformer,
  botPaceLimits,
  PaceDeadlineError,
  TELEGRAM_BOT_LIMITS,
} from '../../src/adapters/grammy/index.js'
import type { PaceLimit } from '../../src/flood/pace-store.js'
import { DeadlineExceededError } from '../../src/recovery/errors.js'
import type { BotApiServerOptions } from '../../src/testkit/clients/bot-api-server.js'
import { CalendarModel } from '../flood/pace-calendar-model.js'
import { startBotHarness, TOKEN, useCleanups } from './grammy-harness.js'

/** Protocol time runs 20 times faster than real time: a minute of a group's pace takes 3 s. */
const SPEED = 20

useCleanups()

async function setup(
  transformer: BotApiTransformerOptions = {},
  server: BotApiServerOptions = {},
  speed = SPEED,
) {
  const harness = await startBotHarness(speed, ['paceWait', 'giveUp'], server, {
    limits: 'telegram',
    ...transformer,
  })
  const arrivals = () =>
    harness.api.requests.filter((request) => request.method === 'sendMessage').map((request) => request.at)
  await harness.bot.api.getMe() // warm up the connection, so the first message is not late
  return { ...harness, arrivals }
}

describe('per-call options from grammY: transformer.withOptions(api, options)', () => {
  it('sends through an unpaced copy of bot.api at once, while bot.api itself stays paced', async () => {
    const { bot, recovery, arrivals, events } = await setup()
    const unpaced = recovery.withOptions(bot.api, { pace: false })
    expect(unpaced).toBeInstanceOf(Api)
    expect(unpaced).not.toBe(bot.api)
    await Promise.all(Array.from({ length: 6 }, (_, i) => unpaced.sendMessage(42, `now ${i}`)))
    const burst = arrivals()
    expect(burst).toHaveLength(6)
    // No message waited a slot: the six left together (a paced chat takes 3, then one a second).
    expect(events.filter(({ name }) => name === 'paceWait')).toHaveLength(0)
    expect(Math.max(...burst) - Math.min(...burst)).toBeLessThan(1000)
    await Promise.all(Array.from({ length: 4 }, (_, i) => bot.api.sendMessage(43, `paced ${i}`)))
    expect(events.filter(({ name }) => name === 'paceWait').length).toBeGreaterThan(0)
    const paced = arrivals().slice(6)
    expect(Math.max(...paced) - Math.min(...paced)).toBeGreaterThan(1050 - 300)
  }, 30_000)

  it('keeps the other transformers installed on the Api, in their order', async () => {
    const { bot, recovery } = await setup()
    const seen: string[] = []
    bot.api.config.use((prev, method, payload, signal) => {
      seen.push(method)
      return prev(method, payload, signal)
    })
    const bulk = recovery.withOptions(bot.api, { priority: 'bulk' })
    expect(bulk.config.installedTransformers()).toHaveLength(2)
    expect(bulk.config.installedTransformers()[0]).not.toBe(recovery)
    await bulk.sendMessage(42, 'hello')
    expect(seen).toEqual(['sendMessage'])
  }, 30_000)

  it('refuses an Api it is not installed on, and options it cannot keep, when the copy is made', () => {
    const recovery = botApiTransformer({ token: TOKEN, limits: 'telegram' })
    const bare = new Bot(TOKEN).api
    expect(() => recovery.withOptions(bare, { pace: false })).toThrow(TypeError)
    bare.config.use(recovery)
    expect(() => recovery.withOptions(bare, { priority: 'later' as never })).toThrow(/priority/)
    expect(() => recovery.withOptions(bare, { deadlineMs: -1 })).toThrow(/deadlineMs/)
    recovery.invoker.close()
  })
})

describe('a message whose slot lies past its deadline', () => {
  it('fails at once with PaceDeadlineError saying when the slot was; raising the deadline per call delivers it', async () => {
    const { bot, recovery, arrivals, clock, api } = await setup()
    const start = clock.now()
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        bot.api.sendMessage(-100777, `news ${i}`).then(
          () => ({ sent: true as const, at: clock.now() - start }),
          (error: unknown) => ({ sent: false as const, at: clock.now() - start, error }),
        ),
      ),
    )
    // Which ones fit in the default budget of 60 s: the slots the model gives under the group's limits.
    const model = new CalendarModel()
    const [bot1, ...group] =
      botPaceLimits(TELEGRAM_BOT_LIMITS, 'bot', 'sendMessage', { chat_id: -100777 }) ?? []
    const fitting = Array.from(
      { length: 25 },
      () => model.reserve(group, bot1 as PaceLimit, 0, 60_000).booked,
    )
    const failed = outcomes.filter((outcome) => !outcome.sent)
    expect(failed).toHaveLength(fitting.filter((fits) => !fits).length)
    expect(failed.length).toBeGreaterThan(0)
    for (const outcome of failed) {
      const error = outcome.error as PaceDeadlineError
      expect(error).toBeInstanceOf(PaceDeadlineError)
      expect(error).toBeInstanceOf(DeadlineExceededError)
      expect(error.slotAt - start).toBeGreaterThan(60_000)
      expect(error.message).toMatch(/past the call's deadline of 60000 ms/)
      // At once: not after waiting for the deadline (generous for a loaded machine).
      expect(outcome.at).toBeLessThan(5_000)
    }
    expect(api.stats.tooManyRequests).toBe(0)
    expect(arrivals()).toHaveLength(25 - failed.length)

    // The slots of the refused were not kept: the next message goes right after the last delivered.
    const patient = recovery.withOptions(bot.api, { deadlineMs: 10 * 60_000 })
    const lastDelivered = Math.max(...outcomes.filter((outcome) => outcome.sent).map((outcome) => outcome.at))
    await patient.sendMessage(-100777, 'later')
    // Kept, the refused slots would have put it past 80 s.
    expect(clock.now() - start).toBeLessThan(lastDelivered + 10_000)
  }, 60_000)
})

describe('priorities on the bot’s pace', () => {
  it('puts a reply ahead of a broadcast marked bulk, which still keeps the bot’s pace full', async () => {
    // Nearly real time: 90 HTTP requests in 3 s of protocol time must not be squeezed into 150 real ms.
    const { bot, recovery, api, clock } = await setup({}, {}, 2)
    const bulk = recovery.withOptions(bot.api, { priority: 'bulk', deadlineMs: 10 * 60_000 })
    const start = clock.now()
    const broadcast = Promise.all(
      Array.from({ length: 90 }, (_, i) => bulk.sendMessage(5000 + i, `news ${i}`)),
    )
    // A user writes while the broadcast is under way.
    while (api.requests.filter((request) => request.method === 'sendMessage').length < 5) {
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    await bot.api.sendMessage(42, 'your answer')
    await broadcast
    const order = api.requests.filter((request) => request.method === 'sendMessage')
    const reply = order.findIndex((request) => request.payload.chat_id === 42)
    // Behind at most a second's worth of the broadcast (30 seats, plus what was in flight), not all 90.
    expect(reply).toBeGreaterThan(4)
    expect(reply).toBeLessThan(45)
    // The broadcast lost no pace for it: 91 messages at 35 ms take about 3.2 s.
    const spanMs = Math.max(...order.map((request) => request.at)) - start
    expect(spanMs).toBeLessThan(91 * 35 + 1_500)
    expect(api.stats.tooManyRequests).toBe(0)
  }, 30_000)
})
