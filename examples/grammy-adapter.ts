/**
 * grammY with our error handling for the Bot API: one transformer. The Bot API here is the
 * testkit's fake server on loopback (so the example runs offline); in your app it is Telegram's.
 * Run: `npx tsx examples/grammy-adapter.ts`.
 */
import { Bot, GrammyError } from 'grammy'
import { botApiTransformer, classifyBotApiError } from 'mtproto-errors/grammy'
import { startBotApiServer } from 'mtproto-errors/testkit'

// Stand-in for api.telegram.org: 3 messages per second per chat, a group that became a supergroup,
// and a user who blocked the bot.
const server = await startBotApiServer({
  floodRules: [{ method: 'sendMessage', scope: 'peer', maxCalls: 3, windowMs: 1000 }],
  migrations: { '-4001': -1004001 },
  blockedBy: [42],
})
const token = '123456:TOKEN'
const bot = new Bot(token, { client: { apiRoot: server.apiRoot } })

// --- The lines you add ---------------------------------------------------------------------------
const recovery = botApiTransformer({ token, maxFloodWaitMs: 30_000 })
bot.api.config.use(recovery)
recovery.on('floodWait', (event) => console.log(`  429 for chat ${event.chatId}: waiting ${event.waitMs} ms`))
recovery.on('chatMigrate', (event) => console.log(`  chat ${event.fromChatId} is now ${event.toChatId}`))
// -------------------------------------------------------------------------------------------------

console.log('Six messages, one every 100 ms, to a chat that takes three per second:')
const started = Date.now()
await Promise.all(
  Array.from({ length: 6 }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, i * 100))
    await bot.api.sendMessage(7, `message ${i + 1}`)
  }),
)
console.log(`  all six sent in ${Date.now() - started} ms`)

console.log('A message to a group that was upgraded:')
const moved = await bot.api.sendMessage(-4001, 'hello, supergroup')
console.log(`  delivered to ${moved.chat.id}`)

console.log('A user who blocked the bot: the GrammyError as usual, classified:')
try {
  await bot.api.sendMessage(42, 'hi')
} catch (error) {
  const info = classifyBotApiError(error)
  console.log(
    `  ${error instanceof GrammyError ? 'GrammyError' : 'error'}: ${(error as GrammyError).description}`,
  )
  console.log(`  ${info?.category} ${info?.type}, ${info?.action}; tell the user: "${info?.userMessage}"`)
}
console.log(`Requests sent into an open window: ${server.stats.violations}`)

recovery.invoker.close()
await server.close()
