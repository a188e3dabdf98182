import bigInt from 'big-integer'
import { Api, TelegramClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type MtprotoCluster,
  startCluster,
  testAccountOf,
  testBotToken,
  testPhone,
} from '../../../src/testkit/index.js'
import {
  destroyGramjsClient,
  gramjsOptions,
  loginGramjs,
} from '../../../src/testkit/mtproto/client-options.js'

/** Unmodified GramJS 2.26 (layer 198, TCPFull) against the cluster on loopback. */
describe('GramJS against the MTProto cluster', () => {
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
    await Promise.all(clients.splice(0).map((client) => destroyGramjsClient(client)))
  })
  afterAll(async () => {
    await cluster.stop()
    expect(cluster.stats().internalErrors).toEqual([])
  })

  /** The flood violations the world recorded for the account of a test phone. */
  function violationsOf(phone: string) {
    return cluster.world.violations.filter((v) => v.account === testAccountOf(phone))
  }

  function newClient(extra: { floodSleepThreshold?: number } = {}, transport?: 'abridged'): TelegramClient {
    const client = new TelegramClient(new StringSession(''), 1, 'hash', {
      ...gramjsOptions(cluster, transport ? { transport } : {}),
      connectionRetries: 1,
      baseLogger: new Logger(LogLevel.NONE),
      ...extra,
    })
    clients.push(client)
    return client
  }

  async function loggedIn(
    phone: string,
    extra: { floodSleepThreshold?: number } = {},
  ): Promise<TelegramClient> {
    const client = newClient(extra)
    await loginGramjs(client, phone)
    return client
  }

  it('completes the key exchange and gets help.getConfig listing the cluster ports', async () => {
    const client = newClient()
    await client.connect()
    const config = await client.invoke(new Api.help.GetConfig())
    expect(config.thisDc).toBe(4) // GramJS's default DC
    expect(config.dcOptions.map((dc) => [dc.id, dc.port])).toEqual(cluster.dcs.map((dc) => [dc.id, dc.port]))
    const stats = cluster.stats()
    expect(stats.authKeysCreated[4]).toBeGreaterThanOrEqual(1)
    expect(stats.framings.full).toBeGreaterThanOrEqual(1)
    // GramJS starts every key with salt 0 and relies on bad_server_salt to learn the real one.
    expect(stats.badServerSalts).toBeGreaterThanOrEqual(1)
    // The config is big enough to go out gzip_packed, and new_session_created shares a container.
    expect(stats.gzipPacked.sent).toBeGreaterThanOrEqual(1)
    expect(stats.containers.sent).toBeGreaterThanOrEqual(1)
  })

  it('works over the abridged transport too', async () => {
    const before = cluster.stats().framings.abridged ?? 0
    const client = newClient({}, 'abridged')
    await client.connect()
    expect((await client.invoke(new Api.help.GetNearestDc())).thisDc).toBe(4)
    expect(cluster.stats().framings.abridged).toBe(before + 1)
  })

  it('gets 401 AUTH_KEY_UNREGISTERED on a fresh key', async () => {
    const client = newClient()
    await client.connect()
    await expect(client.getMe()).rejects.toMatchObject({ code: 401, errorMessage: 'AUTH_KEY_UNREGISTERED' })
    expect(await client.checkAuthorization()).toBe(false)
  })

  it('logs in with sendCode + signIn, following PHONE_MIGRATE to the home DC', async () => {
    const phone = testPhone(2, 1)
    const before = cluster.stats().rpcErrors.PHONE_MIGRATE_2 ?? 0
    const client = await loggedIn(phone)
    expect(client.session.dcId).toBe(2)
    expect(cluster.stats().rpcErrors.PHONE_MIGRATE_2).toBe(before + 1)
    const me = await client.getMe()
    expect(me.phone).toBe(phone)
    expect(me.self).toBe(true)

    const full = await client.invoke(new Api.users.GetFullUser({ id: 'me' }))
    expect(full.fullUser.about).toContain('DC 2')
    const resolved = await client.invoke(new Api.contacts.ResolveUsername({ username: me.username! }))
    expect(resolved.users[0]?.id.toString()).toBe(me.id.toString())
    const sent = await client.sendMessage('me', { message: 'hello from GramJS' })
    const history = await client.getMessages('me', { limit: 5 })
    expect([...history].map((m) => [m.id, m.message])).toEqual([[sent.id, 'hello from GramJS']])
  })

  it('follows USER_MIGRATE when a bot signs in away from its home DC', async () => {
    const client = newClient()
    await client.start({ botAuthToken: testBotToken(3) })
    expect(client.session.dcId).toBe(3)
    expect(cluster.stats().rpcErrors.USER_MIGRATE_3).toBeGreaterThanOrEqual(1)
    const me = await client.getMe()
    expect(me.bot).toBe(true)
  })

  it('downloads a file through FILE_MIGRATE with exported authorization', async () => {
    const client = await loggedIn(testPhone(2, 2))
    const file = cluster.defaultHandler!.files.get(3)!
    const before = cluster.stats()
    const location = new Api.InputDocumentFileLocation({
      id: bigInt(file.id.toString()),
      accessHash: bigInt(file.accessHash.toString()),
      fileReference: Buffer.alloc(0),
      thumbSize: '',
    })
    // Asked of the home DC first: the file lives on DC 3, so GramJS is told FILE_MIGRATE_3 and
    // borrows an exported sender (auth.exportAuthorization on DC 2, importAuthorization on DC 3).
    const bytes = (await client.downloadFile(location, {
      dcId: 2,
      fileSize: bigInt(file.bytes.length),
    })) as Buffer
    expect(Buffer.from(file.bytes).equals(bytes)).toBe(true)
    const after = cluster.stats()
    expect(after.rpcErrors.FILE_MIGRATE_3).toBe((before.rpcErrors.FILE_MIGRATE_3 ?? 0) + 1)
    expect(after.calls['auth.exportAuthorization']).toBe((before.calls['auth.exportAuthorization'] ?? 0) + 1)
    expect(after.calls['auth.importAuthorization']).toBe((before.calls['auth.importAuthorization'] ?? 0) + 1)
  })

  it('sleeps through FLOOD_WAIT and then succeeds', async () => {
    const client = await loggedIn(testPhone(2, 3))
    for (let i = 0; i < 3; i++) await client.sendMessage('me', { message: `quick ${i}` })
    const started = Date.now()
    await client.sendMessage('me', { message: 'after the wait' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(violationsOf(testPhone(2, 3))).toEqual([])
  })

  it('counts a violation when the client calls again inside the flood window', async () => {
    const client = await loggedIn(testPhone(2, 4), { floodSleepThreshold: 0 })
    for (let i = 0; i < 3; i++) await client.sendMessage('me', { message: `quick ${i}` })
    await expect(client.sendMessage('me', { message: 'too soon' })).rejects.toMatchObject({ seconds: 1 })
    await expect(client.sendMessage('me', { message: 'sooner still' })).rejects.toMatchObject({ code: 420 })
    const violations = violationsOf(testPhone(2, 4))
    expect(violations).toMatchObject([{ method: 'messages.sendMessage', dcId: 2 }])
  })
})
