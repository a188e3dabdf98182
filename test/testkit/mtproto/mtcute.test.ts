import { TelegramClient } from '@mtcute/node'
import Long from 'long'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type MtprotoCluster,
  startCluster,
  testAccountOf,
  testBotToken,
  testPhone,
} from '../../../src/testkit/index.js'
import { loginMtcute, mtcuteOptions } from '../../../src/testkit/mtproto/client-options.js'

/** Unmodified mtcute 0.30 (layer 227, intermediate transport) against the cluster on loopback. */
describe('mtcute against the MTProto cluster', () => {
  let cluster: MtprotoCluster
  const clients: TelegramClient[] = []

  beforeAll(async () => {
    // A 1 s flood wait (the shortest FLOOD_WAIT there is) keeps the suite quick.
    cluster = await startCluster({
      protocol: 'mtproto',
      floodRules: [
        { method: 'messages.sendMessage', scope: 'account', maxCalls: 3, windowMs: 10_000, waitMs: 1000 },
      ],
    })
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()))
  })
  afterAll(async () => {
    await cluster.stop()
    expect(cluster.stats().internalErrors).toEqual([])
  })

  /** The flood violations the world recorded for the account of a test phone. */
  function violationsOf(phone: string) {
    return cluster.world.violations.filter((v) => v.account === testAccountOf(phone))
  }

  function newClient(dcId = 2): TelegramClient {
    const client = new TelegramClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(cluster, { dcId }),
      logLevel: 0,
    })
    clients.push(client)
    return client
  }

  async function loggedIn(phone: string, dcId = 2): Promise<TelegramClient> {
    const client = newClient(dcId)
    await loginMtcute(client, phone)
    return client
  }

  it('completes the key exchange and gets help.getConfig listing the cluster ports', async () => {
    const client = newClient()
    await client.connect()
    const config = await client.call({ _: 'help.getConfig' })
    expect(config.thisDc).toBe(2)
    expect(config.dcOptions.map((dc) => [dc.id, dc.port])).toEqual(cluster.dcs.map((dc) => [dc.id, dc.port]))
    const stats = cluster.stats()
    expect(stats.authKeysCreated[2]).toBeGreaterThanOrEqual(1)
    expect(stats.framings.intermediate).toBeGreaterThanOrEqual(1)
    // mtcute batches its first calls in a msg_container; answers go back batched and gzipped.
    expect(stats.containers.received).toBeGreaterThanOrEqual(1)
    expect(stats.containers.sent).toBeGreaterThanOrEqual(1)
    expect(stats.gzipPacked.sent).toBeGreaterThanOrEqual(1)
  })

  it('gets 401 AUTH_KEY_UNREGISTERED on a fresh key', async () => {
    const client = newClient()
    await expect(client.getMe()).rejects.toMatchObject({ code: 401, text: 'AUTH_KEY_UNREGISTERED' })
  })

  it('logs in with sendCode + signIn, following PHONE_MIGRATE to the home DC', async () => {
    const phone = testPhone(2, 11)
    const before = cluster.stats().rpcErrors.PHONE_MIGRATE_2 ?? 0
    const client = await loggedIn(phone, 1)
    expect(cluster.stats().rpcErrors.PHONE_MIGRATE_2).toBe(before + 1)
    const me = await client.getMe()
    expect(me.isSelf).toBe(true)
    expect(me.phoneNumber).toBe(phone)
    expect(await client._client.getPrimaryDcId()).toBe(2)

    const full = await client.call({ _: 'users.getFullUser', id: { _: 'inputUserSelf' } })
    expect(full.fullUser.about).toContain('DC 2')
    const resolved = await client.getUser(me.username!)
    expect(resolved.id).toBe(me.id)
    const sent = await client.sendText('me', 'hello from mtcute')
    const history = await client.getHistory('me', { limit: 5 })
    expect(history.map((m) => [m.id, m.text])).toEqual([[sent.id, 'hello from mtcute']])
  })

  it('follows USER_MIGRATE when a bot signs in away from its home DC', async () => {
    const client = newClient(2)
    const bot = await client.start({ botToken: testBotToken(3) })
    expect(bot.isBot).toBe(true)
    expect(await client._client.getPrimaryDcId()).toBe(3)
    expect(cluster.stats().rpcErrors.USER_MIGRATE_3).toBeGreaterThanOrEqual(1)
  })

  it('downloads a file through FILE_MIGRATE, exporting its authorization itself', async () => {
    const client = await loggedIn(testPhone(2, 12))
    const file = cluster.defaultHandler!.files.get(3)!
    const before = cluster.stats()
    // A bare location carries no DC: mtcute asks its primary DC, is told FILE_MIGRATE_3, and
    // moves the download there after auth.exportAuthorization + auth.importAuthorization.
    const location = cluster.defaultHandler!.fileLocation(3) as Parameters<
      TelegramClient['downloadAsBuffer']
    >[0]
    const bytes = await client.downloadAsBuffer(location, { fileSize: file.bytes.length })
    expect(Buffer.from(bytes).equals(Buffer.from(file.bytes))).toBe(true)
    const after = cluster.stats()
    expect(after.rpcErrors.FILE_MIGRATE_3).toBe((before.rpcErrors.FILE_MIGRATE_3 ?? 0) + 1)
    expect(after.calls['auth.importAuthorization']).toBe((before.calls['auth.importAuthorization'] ?? 0) + 1)
  })

  it('sleeps through FLOOD_WAIT and then succeeds', async () => {
    const client = await loggedIn(testPhone(2, 13))
    for (let i = 0; i < 3; i++) await client.sendText('me', `quick ${i}`)
    const started = Date.now()
    await client.sendText('me', 'after the wait')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(violationsOf(testPhone(2, 13))).toEqual([])
  })

  it('counts a violation when the client calls again inside the flood window', async () => {
    const client = await loggedIn(testPhone(2, 14))
    const send = (text: string) =>
      client.call(
        { _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: text, randomId: randomLong() },
        { floodSleepThreshold: 0 },
      )
    for (let i = 0; i < 3; i++) await send(`quick ${i}`)
    await expect(send('too soon')).rejects.toMatchObject({ code: 420, text: 'FLOOD_WAIT_%d', seconds: 1 })
    await expect(send('sooner still')).rejects.toMatchObject({ code: 420 })
    const violations = violationsOf(testPhone(2, 14))
    expect(violations).toMatchObject([{ method: 'messages.sendMessage', dcId: 2 }])
  })

  it('makes a new auth key after the cluster forgets its keys (transport error -404)', async () => {
    const client = newClient()
    await client.call({ _: 'help.getConfig' })
    const before = cluster.stats()
    cluster.forgetAuthKeys()
    const config = await client.call({ _: 'help.getConfig' })
    expect(config.thisDc).toBe(2)
    const after = cluster.stats()
    expect(after.transportErrorReasons['unknown auth key']).toBeGreaterThan(
      before.transportErrorReasons['unknown auth key'] ?? 0,
    )
    expect(after.authKeysCreated[2]).toBeGreaterThan(before.authKeysCreated[2] ?? 0)
  })
})

function randomLong(): Long {
  return Long.fromBits((Math.random() * 2 ** 32) | 0, (Math.random() * 2 ** 31) | 0)
}
