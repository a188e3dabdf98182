/**
 * GramJS with our error handling: a real `TelegramClient`, wrapped in one line. The network here is
 * the testkit's simulated Telegram (so the example runs offline); in your app the client connects
 * as usual. Run: `npx tsx examples/gramjs-adapter.ts`.
 */

import { detailsOf } from 'mtproto-errors'
import { wrapClient } from 'mtproto-errors/gramjs'
import { World } from 'mtproto-errors/testkit'
import { attachWorld } from 'mtproto-errors/testkit/clients'
import { Api, errors, TelegramClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'

const client = new TelegramClient(new StringSession(''), 12345, 'api-hash', {
  baseLogger: new Logger(LogLevel.NONE),
})

// Stand-in for `await client.connect()`: a server allowing 3 messages per second per chat.
client.session.setDC(2, '127.0.0.1', 443)
const world = new World({
  accounts: { alice: { homeDcId: 2 } },
  floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 3, windowMs: 1000 }],
})
const network = attachWorld(client, { world, account: 'alice' })

// --- The lines you add ---------------------------------------------------------------------------
const recovery = wrapClient(client, { maxFloodWaitMs: 30_000 })
recovery.on('floodWait', (event) => console.log(`  flood wait on ${event.method}: ${event.waitMs} ms`))
recovery.on('floodWindowHit', (event) => console.log(`  held locally for ${event.remainingMs} ms`))
// -------------------------------------------------------------------------------------------------

console.log('Six messages, one every 100 ms, to a chat that takes three per second:')
const started = Date.now()
await Promise.all(
  Array.from({ length: 6 }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, i * 100))
    await client.invoke(
      new Api.messages.SendMessage({ peer: new Api.InputPeerSelf(), message: `message ${i + 1}` }),
    )
  }),
)
console.log(
  `  all six sent in ${Date.now() - started} ms, ${world.stats.floodViolations} sent into an open window`,
)

console.log('An input error, as GramJS reports it, with what to tell the user:')
try {
  await client.invoke(new Api.account.UpdateProfile({ firstName: '' }))
} catch (error) {
  const details = detailsOf(error)
  console.log(
    `  ${error instanceof errors.RPCError ? 'RPCError' : 'error'} ${(error as errors.RPCError).errorMessage}`,
  )
  console.log(`  field: ${details?.field}; tell the user: "${details?.userMessage}"`)
}

recovery.unwrap()
network.dispose()
