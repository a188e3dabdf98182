/**
 * mtcute with our error handling: a real `TelegramClient` whose middleware chain is ours instead
 * of mtcute's flood waiter and internal-error handler. The server at the end of the chain is the
 * testkit's simulated Telegram (so the example runs offline); in your app it is mtcute's network.
 * Run: `npx tsx examples/mtcute-adapter.ts`.
 */
import { MemoryStorage, tl } from '@mtcute/core'
import { TelegramClient } from '@mtcute/node'
import { explain } from 'mtproto-errors'
import { mtcuteRecovery } from 'mtproto-errors/mtcute'
import { World } from 'mtproto-errors/testkit'
import { worldServer } from 'mtproto-errors/testkit/clients'

// Stand-in for Telegram: a server allowing 3 messages per second per chat, and 500s now and then.
const world = new World({
  accounts: { alice: { homeDcId: 2 } },
  floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 3, windowMs: 1000 }],
  faults: { internalErrorRate: 0.2 },
  seed: 7,
})
const telegram = worldServer({ world, account: 'alice', primaryDcId: 2 })

// --- The lines you add ---------------------------------------------------------------------------
const recovery = mtcuteRecovery({ maxFloodWaitMs: 30_000 })
recovery.on('floodWait', (event) => console.log(`  flood wait on ${event.method}: ${event.waitMs} ms`))
recovery.on('retry', (event) => console.log(`  retry after ${event.delayMs} ms (${String(event.error)})`))
const tg = new TelegramClient({
  apiId: 12345,
  apiHash: 'api-hash',
  storage: new MemoryStorage(),
  logLevel: 0,
  network: { middlewares: [...recovery.middlewares, telegram.middleware] }, // yours: recovery.middlewares
})
// -------------------------------------------------------------------------------------------------

// Stand-in for `tg.connect()`, which needs sockets.
await tg.prepare()
;(tg as unknown as { _client: { _connected: boolean } })._client._connected = true

console.log('Six messages, one every 100 ms, to a chat that takes three per second, through a flaky server:')
const started = Date.now()
await Promise.all(
  Array.from({ length: 6 }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, i * 100))
    await tg.call({
      _: 'messages.sendMessage',
      peer: { _: 'inputPeerSelf' },
      message: `message ${i + 1}`,
      randomId: i as never,
    })
  }),
)
console.log(
  `  all six sent in ${Date.now() - started} ms, ${world.stats.floodViolations} sent into an open window`,
)

console.log("An input error, as mtcute's own tl.RpcError, explained:")
try {
  await tg.call({ _: 'account.updateProfile', firstName: '' })
} catch (error) {
  const explanation = explain(error)
  console.log(`  tl.RpcError: ${tl.RpcError.is(error) ? error.text : error}`)
  console.log(`  field: ${explanation.field}; tell the user: "${explanation.userMessage}"`)
}

recovery.invoker.close()
await tg.destroy()
