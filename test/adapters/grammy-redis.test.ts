import { Bot } from 'grammy'
import { describe, expect, it } from 'vitest'
import { publishedLimits } from '../../bench/support/published-limits.js'
import { botApiTransformer } from '../../src/adapters/grammy/index.js'
import { createRedisFloodStore } from '../../src/redis/index.js'
import { startBotApiServer } from '../../src/testkit/clients/bot-api-server.js'
import { clientFor, useRedisServer } from '../redis/helpers.js'
import { cleanups, TOKEN, useCleanups } from './grammy-harness.js'

const suite = useRedisServer()
useCleanups()

describe('grammY pacing shared through a real redis-server', () => {
  it('paces two processes’ broadcast as one: groups and users, no 429, the bot’s slots filled', async () => {
    const limits = publishedLimits()
    const api = await startBotApiServer({ script: limits.script })
    cleanups.push(() => api.close())
    // Two "processes": each its own Redis store and transformer, one Redis between them.
    const bots = await Promise.all(
      [0, 1].map(async () => {
        const store = createRedisFloodStore({ redis: clientFor(suite.server.port), prefix: 'bots:flood:' })
        suite.opened.push(store)
        expect(await store.whenSynced()).toBe(true)
        const recovery = botApiTransformer({ token: TOKEN, limits: 'telegram', floodStore: store })
        cleanups.push(() => recovery.invoker.close())
        const bot = new Bot(TOKEN, { client: { apiRoot: api.apiRoot } })
        bot.api.config.use(recovery)
        await bot.api.getMe()
        return bot
      }),
    )
    // 40 users and 2 groups x 3, split between the two.
    const chats = [
      ...Array.from({ length: 40 }, (_, i) => 5000 + i),
      -1001,
      -1001,
      -1001,
      -1002,
      -1002,
      -1002,
    ]
    const start = Date.now()
    await Promise.all(chats.map((chat, i) => (bots[i % 2] as Bot).api.sendMessage(chat, `m${i}`)))
    const sends = api.requests.filter((request) => request.method === 'sendMessage')
    expect(sends).toHaveLength(46)
    expect(limits.refusals).toHaveLength(0)
    // Bound: the groups' chains of one a second (2 s after their first); the bot's 46 at 30 a second
    // (1.5 s). Booked as one schedule, the users fill the bot's slots around the groups' messages.
    const makespanMs = Math.max(...sends.map((request) => request.at)) - start
    expect(makespanMs).toBeGreaterThan(2 * 1050 - 100)
    expect(makespanMs).toBeLessThan(2 * 1050 + 1_000)
  }, 30_000)
})
