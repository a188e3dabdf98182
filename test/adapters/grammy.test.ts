import { Bot, GrammyError, HttpError } from 'grammy'
import { describe, expect, it } from 'vitest'
import {
  type BotApiTransformerOptions,
  botApiTransformer,
  classifyBotApiError,
} from '../../src/adapters/grammy/index.js'
import { MemoryFloodStore } from '../../src/index.js'
import type { BotApiServerOptions } from '../../src/testkit/clients/bot-api-server.js'
import { startBotHarness, TOKEN, useCleanups } from './grammy-harness.js'

/** Protocol time runs 40 times faster than real time: a 2 s retry_after takes 50 ms. */
const SPEED = 40

useCleanups()

/** A real grammY Bot against the fake Bot API on loopback, both on one scaled clock. */
async function setup(server: BotApiServerOptions = {}, transformer: BotApiTransformerOptions = {}) {
  const harness = await startBotHarness(
    SPEED,
    ['floodWait', 'retry', 'chatMigrate', 'giveUp'],
    server,
    transformer,
  )
  const sent = (method: string) => harness.api.requests.filter((request) => request.method === method).length
  return { ...harness, sent }
}

/** Resolves once `condition` holds; fails after a second of real time rather than hanging. */
function until(condition: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + 1000
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve()
      else if (Date.now() > giveUpAt) reject(new Error('condition not met within 1 s'))
      else setTimeout(check, 1)
    }
    check()
  })
}

describe('grammY adapter: a real Bot against a fake Bot API on loopback', () => {
  it('waits out a 429 and remembers the window per chat: no request arrives inside it', async () => {
    // A window long against request latency on the scaled clock (a slow first request can take
    // a virtual second or more), so the third call surely meets it.
    const { api, bot, events, sent } = await setup({
      floodRules: [{ method: 'sendMessage', scope: 'peer', maxCalls: 2, windowMs: 10_000 }],
    })
    await bot.api.sendMessage(1, 'one')
    await bot.api.sendMessage(1, 'two')
    const third = bot.api.sendMessage(1, 'three')
    await until(() => events.some((entry) => entry.name === 'floodWait'))
    // Known window: held locally. Another chat is not held.
    const fourth = bot.api.sendMessage(1, 'four')
    await expect(bot.api.sendMessage(2, 'elsewhere')).resolves.toMatchObject({ chat: { id: 2 } })
    await expect(third).resolves.toMatchObject({ text: 'three' })
    await expect(fourth).resolves.toMatchObject({ text: 'four' })

    expect(api.stats.violations).toBe(0)
    expect(api.stats.tooManyRequests).toBe(1)
    expect(sent('sendMessage')).toBe(6)
    expect(events.filter((entry) => entry.name === 'floodWait').map((entry) => entry.event)).toMatchObject([
      { method: 'sendMessage', chatId: 1, willWait: true, fromStore: false },
      { method: 'sendMessage', chatId: 1, willWait: true, fromStore: true },
    ])
  })

  it('gives a 429 longer than the budget back at once, and answers the next call locally', async () => {
    const { api, bot, sent } = await setup(
      { floodRules: [{ method: 'sendMessage', scope: 'peer', maxCalls: 1, windowMs: 120_000 }] },
      { maxFloodWaitMs: 30_000 },
    )
    await bot.api.sendMessage(1, 'one')
    const error = await bot.api.sendMessage(1, 'two').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GrammyError)
    // About 120 s: on the scaled clock a slow request costs a virtual second or more.
    const retryAfter = (error as GrammyError).parameters.retry_after ?? 0
    expect(error).toMatchObject({ error_code: 429 })
    expect(retryAfter).toBeGreaterThan(100)
    expect(classifyBotApiError(error)).toMatchObject({
      category: 'FLOOD',
      action: 'wait',
      retryAfterMs: retryAfter * 1000,
    })

    const refused = await bot.api.sendMessage(1, 'three').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(GrammyError)
    expect((refused as GrammyError).error_code).toBe(429)
    expect((refused as GrammyError).parameters.retry_after).toBeGreaterThan(100)
    expect(sent('sendMessage')).toBe(2)
    expect(api.stats.violations).toBe(0)
  })

  it('shares windows through one flood store, per bot: a second process never sends into them', async () => {
    const store = new MemoryFloodStore()
    const first = await setup(
      { floodRules: [{ method: 'sendMessage', scope: 'peer', maxCalls: 1, windowMs: 60_000 }] },
      { floodStore: store, maxFloodWaitMs: 1000 },
    )
    await first.bot.api.sendMessage(1, 'one')
    await first.bot.api.sendMessage(1, 'two').catch(() => undefined)
    // The same bot in another process (same store), and another bot.
    const twin = new Bot(TOKEN, { client: { apiRoot: first.api.apiRoot } })
    twin.api.config.use(
      botApiTransformer({ token: TOKEN, floodStore: store, clock: first.clock, maxFloodWaitMs: 1000 }),
    )
    const other = new Bot('999:OTHER', { client: { apiRoot: first.api.apiRoot } })
    other.api.config.use(botApiTransformer({ token: '999:OTHER', floodStore: store, clock: first.clock }))

    await expect(twin.api.sendMessage(1, 'three')).rejects.toMatchObject({ error_code: 429 })
    await expect(other.api.sendMessage(1, 'hello')).resolves.toMatchObject({ text: 'hello' })
    expect(first.sent('sendMessage')).toBe(3)
  })

  it('repeats a 5xx run with bounded, growing backoff and bounds an endless one', async () => {
    let outage = 3
    const { bot, events, sent, recovery } = await setup({
      script: (request) => {
        if (request.method !== 'sendMessage' || outage-- <= 0) return undefined
        // A proxy's HTML page (grammY: HttpError) and the Bot API's own JSON 500.
        return outage % 2 === 0
          ? { status: 502, body: '<html>502 Bad Gateway</html>' }
          : { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } }
      },
    })
    await expect(bot.api.sendMessage(1, 'through')).resolves.toMatchObject({ text: 'through' })
    expect(sent('sendMessage')).toBe(4)
    const delays = events
      .filter((entry) => entry.name === 'retry')
      .map((entry) => (entry.event as { delayMs: number }).delayMs)
    expect(delays).toEqual([1000, 2000, 4000])

    outage = Number.POSITIVE_INFINITY
    const error = await bot.api.sendMessage(1, 'lost').catch((e: unknown) => e)
    expect(error instanceof GrammyError || error instanceof HttpError).toBe(true)
    expect(sent('sendMessage')).toBe(4 + 5)
    expect(events.at(-1)).toMatchObject({ name: 'giveUp', event: { reason: 'attempts-exhausted' } })
    expect(recovery.invoker.pendingCount).toBe(0)
  })

  it('repeats requests the network refused, then throws grammY own HttpError', async () => {
    const { api, bot, events } = await setup({}, { maxAttempts: 3 })
    await api.close() // nothing listens on that port any more
    const error = await bot.api.sendMessage(1, 'x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(events.filter((entry) => entry.name === 'retry')).toHaveLength(2)
    expect(events.at(-1)).toMatchObject({ name: 'giveUp', event: { reason: 'attempts-exhausted' } })
  })

  it('keeps every retry inside the total time budget', async () => {
    const { bot, sent, events } = await setup(
      {
        script: () => ({
          status: 500,
          body: { ok: false, error_code: 500, description: 'Internal Server Error' },
        }),
      },
      { deadlineMs: 5000 },
    )
    const error = await bot.api.sendMessage(1, 'x').catch((e: unknown) => e)
    expect(error).toMatchObject({ error_code: 500 })
    // 1 s and 2 s of backoff fit in 5 s; the next 4 s would not, so it is not started (fewer
    // sends if the requests themselves were slow: never the five that maxAttempts would allow).
    expect(sent('sendMessage')).toBeLessThanOrEqual(3)
    expect(events.at(-1)).toMatchObject({ name: 'giveUp', event: { reason: 'deadline' } })
  })

  it('offers what auto-retry offers: no retry of 5xx or network failures when asked', async () => {
    const { bot, sent } = await setup(
      {
        script: (request) =>
          request.payload.chat_id === 1
            ? { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } }
            : { status: 502, body: '<html>502 Bad Gateway</html>' },
      },
      { retryServerErrors: false, retryNetworkErrors: false },
    )
    await expect(bot.api.sendMessage(1, 'x')).rejects.toBeInstanceOf(GrammyError)
    await expect(bot.api.sendMessage(2, 'x')).rejects.toBeInstanceOf(HttpError)
    expect(sent('sendMessage')).toBe(2)
  })

  it('repeats the call on the supergroup a group became, once, and reports the new id', async () => {
    const { bot, events, sent } = await setup({ migrations: { '-100': -1001234 } })
    await expect(bot.api.sendMessage(-100, 'moved')).resolves.toMatchObject({ chat: { id: -1001234 } })
    expect(sent('sendMessage')).toBe(2)
    expect(events).toMatchObject([
      { name: 'chatMigrate', event: { method: 'sendMessage', fromChatId: -100, toChatId: -1001234 } },
    ])
  })

  it('lets every other error through unchanged, classified with the catalogue', async () => {
    const { bot, sent } = await setup({ unknownChats: [5], blockedBy: [6] })
    const missing = await bot.api.sendMessage(5, 'x').catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(GrammyError)
    expect(missing).toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' })
    expect(classifyBotApiError(missing)).toMatchObject({
      category: 'BAD_REQUEST',
      type: 'CHAT_ID_INVALID',
      action: 'fix-input',
      field: 'chat_id',
      userMessage: "This chat couldn't be found.",
    })
    const blocked = await bot.api.sendMessage(6, 'x').catch((e: unknown) => e)
    expect(classifyBotApiError(blocked)).toMatchObject({
      category: 'FORBIDDEN',
      type: 'USER_IS_BLOCKED',
      action: 'do-not-retry',
    })
    expect(sent('sendMessage')).toBe(2)
  })
})
