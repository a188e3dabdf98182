import { TelegramClient as MtcuteClient } from '@mtcute/node'
import { TelegramClient as GramjsClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { afterEach, describe, expect, it } from 'vitest'
import { wrapClient } from '../../src/adapters/gramjs/index.js'
import { mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import {
  destroyGramjsClient,
  gramjsOptions,
  loginGramjs,
  loginMtcute,
  mtcuteOptions,
} from '../../src/testkit/clients.js'
import { type FloodRule, type MtprotoCluster, startCluster } from '../../src/testkit/index.js'

/**
 * A harsh limit: 3 sendMessage per 10 s per account, then a 2 s penalty that forgives the window
 * (the MTProto cluster's default before both clusters took DEFAULT_FLOOD_RULES). No client can
 * finish 20 messages inside the 60 s deadline without refusals.
 */
const HARSH_RULE: FloodRule = {
  method: 'messages.sendMessage',
  scope: 'account',
  maxCalls: 3,
  windowMs: 10_000,
  waitMs: 2000,
}

/**
 * A new user's first broadcast: 20 messages at once through either adapter, every option left at
 * its default, against a harsh limit. A call waiting its turn is not failing: all 20 must be
 * delivered.
 */
describe('default options deliver a burst the limits allow', () => {
  let cluster: MtprotoCluster | undefined
  let close: (() => Promise<unknown>) | undefined

  afterEach(async () => {
    await close?.()
    await cluster?.stop()
  })

  it('mtcute with our adapter delivers all 20', async () => {
    cluster = await startCluster({ protocol: 'mtproto', floodRules: [HARSH_RULE] })
    const recovery = mtcuteRecovery()
    const client = new MtcuteClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(cluster),
      network: { middlewares: recovery.middlewares },
      logLevel: 0,
    })
    close = async () => {
      recovery.invoker.close()
      await client.destroy()
    }
    await loginMtcute(client, '9996620041')
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => client.sendText('me', `m${i}`)),
    )
    expect(results.filter((result) => result.status === 'rejected')).toEqual([])
    expect(cluster.report().floodViolations).toBe(0)
  }, 90_000)

  it('GramJS with our adapter delivers all 20', async () => {
    cluster = await startCluster({ protocol: 'mtproto', floodRules: [HARSH_RULE] })
    const client = new GramjsClient(new StringSession(''), 1, 'hash', {
      ...gramjsOptions(cluster),
      baseLogger: new Logger(LogLevel.NONE),
    })
    const recovery = wrapClient(client)
    close = async () => {
      recovery.invoker.close()
      await destroyGramjsClient(client)
    }
    await loginGramjs(client, '9996620042')
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => client.sendMessage('me', { message: `m${i}` })),
    )
    expect(results.filter((result) => result.status === 'rejected')).toEqual([])
  }, 90_000)
})
