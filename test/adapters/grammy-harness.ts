import { Bot } from 'grammy'
import { afterEach } from 'vitest'
import {
  type BotApiEvents,
  type BotApiTransformerOptions,
  botApiTransformer,
} from '../../src/adapters/grammy/index.js'
import { type BotApiServerOptions, startBotApiServer } from '../../src/testkit/clients/bot-api-server.js'
import { scaledClock } from '../support/scaled-clock.js'

/** The bot token every grammY test uses: the fake Bot API accepts any. */
export const TOKEN = '123456:SECRET'

/** What a test closes after itself; `useCleanups` empties it after each test. */
export const cleanups: Array<() => Promise<void> | void> = []

/** Registers, in the calling test file, the hook that runs and empties `cleanups` after each test. */
export function useCleanups(): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })
}

/**
 * A real grammY Bot against the fake Bot API on loopback, both on one clock running `speed` times
 * faster than real time, with our transformer installed and the events named in `eventNames`
 * recorded in order.
 */
export async function startBotHarness(
  speed: number,
  eventNames: readonly (keyof BotApiEvents)[],
  server: BotApiServerOptions = {},
  transformer: BotApiTransformerOptions = {},
) {
  const clock = scaledClock(speed)
  const api = await startBotApiServer({ now: clock.now, ...server })
  const recovery = botApiTransformer({ token: TOKEN, clock, random: () => 0.5, ...transformer })
  const bot = new Bot(TOKEN, { client: { apiRoot: api.apiRoot } })
  bot.api.config.use(recovery)
  cleanups.push(() => {
    recovery.invoker.close()
    return api.close()
  })
  const events: Array<{ name: keyof BotApiEvents; event: unknown }> = []
  for (const name of eventNames) {
    recovery.on(name, (event: BotApiEvents[typeof name]) => events.push({ name, event }))
  }
  return { api, bot, recovery, events, clock }
}
