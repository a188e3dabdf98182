import { Bot } from 'grammy'
import { describe, expect, it } from 'vitest'
import {
  type BotApiTransformerOptions,
  botApiTransformer,
  botPaceLimits,
  chatKindOf,
  isBotApiOverload,
  messagesPosted,
  TELEGRAM_BOT_LIMITS,
} from '../../src/adapters/grammy/index.js'
import type { PaceLimit, PaceSlot, PaceStore } from '../../src/flood/pace-store.js'
import type { BotApiServerOptions } from '../../src/testkit/clients/bot-api-server.js'
import { burstViolation, PaceModel } from '../redis/pace-model.js'
import { cleanups, startBotHarness, TOKEN, useCleanups } from './grammy-harness.js'

/**
 * Protocol time runs 10 times faster than real time: a second of pacing takes 100 ms, and a real
 * millisecond of scheduling noise on a loaded machine is 10 of protocol time.
 */
const SPEED = 10

useCleanups()

async function setup(server: BotApiServerOptions = {}, transformer: BotApiTransformerOptions = {}) {
  const harness = await startBotHarness(
    SPEED,
    ['floodWait', 'paceWait', 'storeError', 'giveUp'],
    server,
    transformer,
  )
  const arrivals = (method = 'sendMessage') =>
    harness.api.requests.filter((request) => request.method === method).map((request) => request.at)
  return { ...harness, arrivals }
}

/** A pace store that counts what it is asked and books nothing (every slot is now). */
function countingStore(): PaceStore & { reserved: PaceLimit[][] } {
  const reserved: PaceLimit[][] = []
  return {
    reserved,
    reserve(limits: readonly PaceLimit[]): PaceSlot {
      reserved.push([...limits])
      return { delayMs: 0 }
    },
  }
}

describe('which calls count against which of Telegram’s limits', () => {
  const limitsOf = (method: string, params: unknown) =>
    botPaceLimits(TELEGRAM_BOT_LIMITS, 'bot1', method, params)?.map((limit) => ({
      key: limit.key,
      spacingMs: Math.round(limit.periodMs / limit.count),
      toleranceMs: Math.round((limit.burst - 1) * (limit.periodMs / limit.count)),
    }))

  it('paces a chat at 1 a second (after 3 in a private one), a group at 20 in any minute, the bot at 30 a second', () => {
    // Every period 5 % longer than published, against the jitter of arrival times.
    expect(limitsOf('sendMessage', { chat_id: 42, text: 'hi' })).toEqual([
      { key: 'bot1|pace|bot', spacingMs: 35, toleranceMs: 0 },
      { key: 'bot1|pace|chat=42', spacingMs: 1050, toleranceMs: 2100 },
    ])
    // One a second, and over the minute 5 early then one per 63 / 16 s: never 21 in a minute.
    expect(limitsOf('copyMessage', { chat_id: -100777, from_chat_id: 1, message_id: 2 })).toEqual([
      { key: 'bot1|pace|bot', spacingMs: 35, toleranceMs: 0 },
      { key: 'bot1|pace|chat=-100777', spacingMs: 1050, toleranceMs: 0 },
      { key: 'bot1|pace|chat=-100777|minute', spacingMs: 3938, toleranceMs: 15750 },
    ])
    // A @username names a channel or supergroup: the group limit, kept per username.
    expect(limitsOf('sendPhoto', { chat_id: '@news', photo: 'x' })?.[1]?.key).toBe('bot1|pace|chat=@news')
    expect(chatKindOf('@news')).toBe('group')
    expect(chatKindOf('-1001')).toBe('group')
    expect(chatKindOf('77')).toBe('private')
    expect(chatKindOf(77)).toBe('private')
  })

  it('gives paid broadcasts their 1000 a second, and counts an album as its items', () => {
    const paid = botPaceLimits(TELEGRAM_BOT_LIMITS, 'bot1', 'sendMessage', {
      chat_id: 42,
      allow_paid_broadcast: true,
    })?.[0]
    expect(paid?.key).toBe('bot1|pace|paid')
    expect((paid?.periodMs ?? 0) / (paid?.count ?? 1)).toBeCloseTo(1.05, 6)
    const album = { chat_id: 42, media: Array.from({ length: 10 }, () => ({ type: 'photo', media: 'x' })) }
    expect(messagesPosted('sendMediaGroup', album)).toBe(10)
    expect(messagesPosted('forwardMessages', { chat_id: 1, message_ids: [1, 2, 3] })).toBe(3)
    expect(messagesPosted('sendMediaGroup', { chat_id: 1, media: 'not a list' })).toBe(1)
    // Ten messages' worth of spacing after it, the same tolerance before it as one message.
    expect(limitsOf('sendMediaGroup', album)).toEqual([
      { key: 'bot1|pace|bot', spacingMs: 350, toleranceMs: 0 },
      { key: 'bot1|pace|chat=42', spacingMs: 10_500, toleranceMs: 2100 },
    ])
  })

  it('does not pace what does not post a message', () => {
    for (const method of [
      'getMe',
      'sendChatAction',
      'editMessageText',
      'answerCallbackQuery',
      'getUpdates',
    ]) {
      expect(limitsOf(method, { chat_id: 42 })).toBeUndefined()
    }
    // No chat (an inline business message, say): the bot's limit alone.
    expect(limitsOf('sendMessage', { text: 'x' })?.map((limit) => limit.key)).toEqual(['bot1|pace|bot'])
  })

  it('takes a 60 s retry_after for an overloaded server where no published limit explains it', () => {
    expect(isBotApiOverload('getChat', { chat_id: 42 }, 60_000)).toBe(true)
    expect(isBotApiOverload('sendMessage', { chat_id: 42 }, 60_000)).toBe(true)
    // A group's minute can explain 60 s; a shorter wait is a quota anywhere.
    expect(isBotApiOverload('sendMessage', { chat_id: -100 }, 60_000)).toBe(false)
    expect(isBotApiOverload('sendMessage', { chat_id: -100 }, 75_000)).toBe(true)
    expect(isBotApiOverload('sendMessage', { chat_id: 42 }, 5_000)).toBe(false)
  })

  it('refuses numbers it cannot keep when the transformer is made, not at the first send', () => {
    expect(() => botApiTransformer({ limits: { groupPerMinute: 0 } })).toThrow(/limits.groupPerMinute/)
    expect(() => botApiTransformer({ limits: { groupBurst: 30 } })).toThrow(/groupBurst/)
    expect(() => botApiTransformer({ limits: { chatPerSecond: Number.NaN } })).toThrow(/chatPerSecond/)
    expect(botApiTransformer({ limits: false }).paceStore).toBeUndefined()
    expect(botApiTransformer({}).paceStore).toBeUndefined()
  })
})

describe('grammY with limits: a real Bot against a fake Bot API that enforces them', () => {
  it('sends 25 messages into one group without a 429, where unpaced it draws them', async () => {
    const floodRules = [{ method: 'sendMessage', scope: 'peer' as const, maxCalls: 20, windowMs: 60_000 }]
    // 25 messages take about 80 s at that pace: more than the default budget of a call (60 s).
    const paced = await setup({ floodRules }, { limits: 'telegram', deadlineMs: 120_000 })
    const unpaced = await setup({ floodRules }, { maxFloodWaitMs: 0 })
    const send = (bot: Bot, i: number) =>
      bot.api.sendMessage(-100777, `news ${i}`).then(
        () => 'sent',
        () => 'failed',
      )
    // Warm up (connection, JIT), so that the first message does not reach the server late.
    await Promise.all([paced.bot.api.getMe(), unpaced.bot.api.getMe()])
    // One after the other: the unpaced burst would otherwise delay the paced bot's first requests.
    const without = await Promise.all(Array.from({ length: 25 }, (_, i) => send(unpaced.bot, i)))
    const withLimits = await Promise.all(Array.from({ length: 25 }, (_, i) => send(paced.bot, i)))
    expect(withLimits.every((result) => result === 'sent')).toBe(true)
    expect(paced.api.stats.tooManyRequests).toBe(0)
    expect(paced.arrivals()).toHaveLength(25)
    expect(without.filter((result) => result === 'failed')).toHaveLength(5)
    expect(unpaced.api.stats.tooManyRequests).toBe(5)
    // The slots the model gives: one a second for the first few, then one per 3.9 s.
    const model = new PaceModel()
    const limits = botPaceLimits(TELEGRAM_BOT_LIMITS, 'bot123456', 'sendMessage', { chat_id: -100777 }) ?? []
    // The group's limits bind here, not the bot's (booked at each message's own slot).
    const lastSlotMs = Math.max(...Array.from({ length: 25 }, () => model.reserve(limits.slice(1), 0)))
    const times = paced.arrivals()
    const spanMs = Math.max(...times) - Math.min(...times)
    expect(spanMs).toBeGreaterThan(lastSlotMs - 500)
    expect(spanMs).toBeLessThan(lastSlotMs + 3000)
    // Up to 30 real ms of scheduling noise allowed (300 of protocol time).
    for (const limit of limits.slice(1)) expect(burstViolation(times, limit, 300)).toBeUndefined()
    // Every message after the first waited its slot: the bot's own limit spaces even the burst.
    expect(paced.events.filter(({ name }) => name === 'paceWait')).toHaveLength(24)
  }, 30_000)

  it('lets a short burst into a private chat through at once, then one a second', async () => {
    const { bot, arrivals } = await setup({}, { limits: 'telegram' })
    await Promise.all(Array.from({ length: 6 }, (_, i) => bot.api.sendMessage(42, `reply ${i}`)))
    const times = arrivals()
    expect(times).toHaveLength(6)
    // Up to 30 real ms of scheduling noise allowed (300 of protocol time).
    expect(burstViolation(times, { key: 'chat', count: 1, periodMs: 1050, burst: 3 }, 300)).toBeUndefined()
    const sorted = [...times].sort((a, b) => a - b)
    expect((sorted[2] as number) - (sorted[0] as number)).toBeLessThan(500)
    expect((sorted[5] as number) - (sorted[0] as number)).toBeGreaterThan(3150 - 300)
  }, 30_000)

  it('gives back the slot of a call that ended while waiting, so the next message takes it', async () => {
    const { bot, arrivals } = await setup({}, { limits: { privateChatBurst: 1 } })
    await bot.api.sendMessage(42, 'first')
    const abandoned = new AbortController()
    const second = bot.api
      .sendMessage(42, 'second', undefined, abandoned.signal as never)
      .catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 10))
    abandoned.abort()
    expect(await second).toBeInstanceOf(Error)
    await bot.api.sendMessage(42, 'third')
    const [first, third] = arrivals()
    expect(arrivals()).toHaveLength(2)
    // The third took the second's slot (1.05 s after the first), not the one after it (2.1 s).
    expect((third as number) - (first as number)).toBeLessThan(1600)
  }, 30_000)

  it('asks the store nothing for calls that do not post, and keeps sending when the store fails', async () => {
    const counting = countingStore()
    const quiet = await setup({}, { limits: 'telegram', paceStore: counting })
    await quiet.bot.api.getMe()
    await quiet.bot.api.sendChatAction(42, 'typing')
    expect(counting.reserved).toHaveLength(0)
    await quiet.bot.api.sendMessage(42, 'x')
    expect(counting.reserved.map((limits) => limits.length)).toEqual([2])

    const broken: PaceStore = {
      reserve: () => Promise.reject(new Error('store down')),
    }
    const failing = await setup({}, { limits: 'telegram', paceStore: broken })
    await failing.bot.api.sendMessage(42, 'still sent')
    expect(failing.api.stats.requests).toBe(1)
    expect(failing.events.filter(({ name }) => name === 'storeError')).toHaveLength(1)
  }, 30_000)

  it('shares one pace between two transformers given one store (two processes on one Redis, in small)', async () => {
    const first = await setup({}, { limits: 'telegram' })
    const store = first.recovery.paceStore as PaceStore
    const clock = first.clock
    const second = botApiTransformer({ token: TOKEN, clock, limits: 'telegram', paceStore: store })
    const otherBot = new Bot(TOKEN, { client: { apiRoot: first.api.apiRoot } })
    otherBot.api.config.use(second)
    cleanups.push(() => second.invoker.close())
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => first.bot.api.sendMessage(-100, `a${i}`)),
      ...Array.from({ length: 4 }, (_, i) => otherBot.api.sendMessage(-100, `b${i}`)),
    ])
    // One a second into the group, from both together.
    const limit = { key: 'group', count: 1, periodMs: 1050, burst: 1 }
    expect(first.arrivals()).toHaveLength(8)
    expect(burstViolation(first.arrivals(), limit, 300)).toBeUndefined()
  }, 30_000)
})

describe('a broadcast asked for at once', () => {
  it('books the chats with the most messages first, so every group’s chain starts in the first slots', async () => {
    const { bot, api } = await setup({}, { limits: 'telegram', deadlineMs: 120_000 })
    await bot.api.getMe()
    const recipients = Array.from({ length: 24 }, (_, i) => (i % 8 === 0 ? -1001 - (i % 3) : 5000 + i))
    await Promise.all(
      [...recipients, ...recipients.filter((chat) => chat < 0)].map((chat, i) =>
        bot.api.sendMessage(chat, `m${i}`),
      ),
    )
    const order = api.requests.filter((request) => request.method === 'sendMessage')
    const firstOfEach = [-1001, -1002, -1003].map((chat) =>
      order.findIndex((request) => request.payload.chat_id === chat),
    )
    // In the order asked, the groups' first messages would be the 1st, 9th and 17th.
    expect(Math.max(...firstOfEach)).toBeLessThan(3)
    // And the reordering costs no refusal.
    expect(api.stats.tooManyRequests).toBe(0)
  }, 30_000)
})

describe('bookings in flight to a shared store', () => {
  it('sends a few at a time, so that processes sharing the store are interleaved at it', async () => {
    let inFlight = 0
    let most = 0
    const slow: PaceStore = {
      reserve: () => {
        inFlight++
        most = Math.max(most, inFlight)
        return new Promise<PaceSlot>((resolve) =>
          setTimeout(() => {
            inFlight--
            resolve({ delayMs: 0 })
          }, 5),
        )
      },
    }
    const { bot, api } = await setup({}, { limits: 'telegram', paceStore: slow })
    await Promise.all(Array.from({ length: 20 }, (_, i) => bot.api.sendMessage(5000 + i, `m${i}`)))
    expect(api.stats.requests).toBe(20)
    expect(most).toBe(4)
  }, 30_000)
})
