import { TelegramClient as MtcuteClient } from '@mtcute/node'
import { TelegramClient as GramjsClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { afterEach, describe, expect, it } from 'vitest'
import { wrapClient } from '../../src/adapters/gramjs/index.js'
import { mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import type { GiveUpEvent, Invoker, SessionDeadEvent } from '../../src/index.js'
import {
  destroyGramjsClient,
  gramjsOptions,
  loginGramjs,
  loginMtcute,
  mtcuteOptions,
} from '../../src/testkit/clients.js'
import { type MtprotoCluster, startCluster } from '../../src/testkit/index.js'

const PHONE = '9996620001'

/** Every sessionDead and giveUp of an invoker, from now on. */
function watch(invoker: Invoker) {
  const dead: SessionDeadEvent[] = []
  const giveUps: GiveUpEvent[] = []
  invoker.on('sessionDead', (event) => dead.push(event))
  invoker.on('giveUp', (event) => giveUps.push(event))
  return { dead, giveUps }
}

/**
 * A fresh client asks before it signs in (GramJS `updates.getState`, mtcute `users.getUsers`) and
 * gets 401 AUTH_KEY_UNREGISTERED: that is "not logged in yet", not a dead session. Real clients over
 * real MTProto, against the testkit's server.
 */
describe('a normal fresh login is no dead session', () => {
  let cluster: MtprotoCluster | undefined
  const cleanups: (() => Promise<unknown>)[] = []

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
    await cluster?.stop()
    cluster = undefined
  })

  it('GramJS with the adapter: no sessionDead, no session-dead give-up', async () => {
    cluster = await startCluster({ protocol: 'mtproto' })
    const client = new GramjsClient(new StringSession(''), 1, 'hash', {
      ...gramjsOptions(cluster),
      baseLogger: new Logger(LogLevel.NONE),
    })
    cleanups.push(() => destroyGramjsClient(client))
    const { invoker } = wrapClient(client)
    const { dead, giveUps } = watch(invoker)
    await loginGramjs(client, PHONE)
    const me = await client.getMe()
    expect(String(me.phone)).toBe(PHONE)
    expect(dead).toEqual([])
    expect(giveUps.map((g) => g.reason)).not.toContain('session-dead')
    expect(invoker.engine.authorized).toBe(true)
  }, 30_000)

  it('mtcute with the adapter: no sessionDead; the pre-login 401 says where it came from', async () => {
    cluster = await startCluster({ protocol: 'mtproto' })
    const recovery = mtcuteRecovery()
    const client = new MtcuteClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(cluster),
      logLevel: 0,
      network: { middlewares: recovery.middlewares },
    })
    cleanups.push(() => client.destroy())
    const { dead, giveUps } = watch(recovery.invoker)
    const me = await loginMtcute(client, PHONE)
    expect(me.phoneNumber).toBe(PHONE)
    expect(dead).toEqual([])
    const unauthorized = giveUps.filter((g) => g.reason === 'not-authorized')
    expect(unauthorized.length).toBeGreaterThan(0)
    for (const giveUp of unauthorized) expect(giveUp.dcId).toBe(2)
    expect(giveUps.map((g) => g.reason)).not.toContain('session-dead')
  }, 30_000)
})
