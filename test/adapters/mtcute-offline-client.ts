import { MemoryStorage } from '@mtcute/core'
import { TelegramClient } from '@mtcute/node'
import type { MtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import type { MtcuteWorld } from '../../src/testkit/clients/mtcute-world.js'

/**
 * A real mtcute TelegramClient, offline: its middleware chain is ours followed by `server`, a fake
 * server answering from the simulated world. Only the connect step is skipped (it needs sockets).
 */
export async function offlineMtcuteClient(
  recovery: MtcuteRecovery,
  server: MtcuteWorld,
): Promise<TelegramClient> {
  const tg = new TelegramClient({
    apiId: 1,
    apiHash: 'hash',
    storage: new MemoryStorage(),
    logLevel: 0,
    network: { middlewares: [...recovery.middlewares, server.middleware] },
  })
  await tg.prepare()
  // What connect() would end with; the rest of call() runs as usual.
  const base = (tg as unknown as { _client: { _connected: boolean; mt: { network: never } } })._client
  base._connected = true
  server.standIn(base.mt.network)
  return tg
}
