import type { RpcCallMiddleware } from '@mtcute/core'
import { TelegramClient as MtcuteClient } from '@mtcute/node'
import { TelegramClient as GramjsClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { afterEach } from 'vitest'
import { destroyGramjsClient, gramjsOptions, mtcuteOptions } from '../../src/testkit/clients.js'
import { startCluster } from '../../src/testkit/index.js'

/**
 * Unmodified GramJS and mtcute clients, each against an MTProto testkit cluster of its own, all
 * released after every test of the file that calls this.
 */
export function useRealClients() {
  const cleanups: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  async function cluster() {
    const started = await startCluster({ protocol: 'mtproto' })
    cleanups.push(() => started.stop())
    return started
  }
  return {
    /** A fresh (logged-out) GramJS client, quiet. */
    async gramjs(): Promise<GramjsClient> {
      const client = new GramjsClient(new StringSession(''), 1, 'hash', {
        ...gramjsOptions(await cluster()),
        baseLogger: new Logger(LogLevel.NONE),
      })
      cleanups.push(() => destroyGramjsClient(client))
      return client
    },
    /** A fresh (logged-out) mtcute client with the given network middlewares, quiet. */
    async mtcute(middlewares: RpcCallMiddleware[]): Promise<MtcuteClient> {
      const client = new MtcuteClient({
        apiId: 1,
        apiHash: 'hash',
        ...mtcuteOptions(await cluster()),
        logLevel: 0,
        network: { middlewares },
      })
      cleanups.push(() => client.destroy())
      return client
    },
  }
}
