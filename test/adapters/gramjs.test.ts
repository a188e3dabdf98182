import { Api, errors, TelegramClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { returnBigInt as bigInt } from 'telegram/Helpers.js'
import { StringSession } from 'telegram/sessions/index.js'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ClientDisconnectedError,
  type GramjsRecoveryOptions,
  wrapClient,
} from '../../src/adapters/gramjs/index.js'
import { detailsOf, type RecoveryEvents, RpcError } from '../../src/index.js'
import { attachWorld, type GramjsWorldOptions } from '../../src/testkit/clients/gramjs-world.js'
import { World, type WorldOptions } from '../../src/testkit/world/index.js'
import { FakeClock } from '../recovery/helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

interface Setup {
  readonly homeDcId?: number
  readonly world?: WorldOptions
  readonly recovery?: GramjsRecoveryOptions
  readonly intercept?: GramjsWorldOptions['intercept']
}

/** A real TelegramClient whose senders are scripted from the simulated world, on a fake clock. */
function setup({
  homeDcId = 2,
  world: worldOptions = {},
  recovery: recoveryOptions = {},
  intercept,
}: Setup = {}) {
  const clock = new FakeClock()
  const world = new World({
    accounts: { alice: { homeDcId: 2, authorizedOn: [1, 2] } },
    floodRules: [],
    now: () => clock.now(),
    ...worldOptions,
  })
  const client = new TelegramClient(new StringSession(''), 1, 'hash', {
    baseLogger: new Logger(LogLevel.NONE),
  })
  client.session.setDC(homeDcId, '127.0.0.1', 443)
  const net = attachWorld(client, { world, account: 'alice', ...(intercept && { intercept }) })
  const recovery = wrapClient(client, { clock, random: () => 0.5, ...recoveryOptions })
  cleanups.push(() => {
    recovery.invoker.close()
    net.dispose()
  })
  const events: Array<{ name: string; event: unknown }> = []
  for (const name of [
    'floodWait',
    'floodWindowHit',
    'migrate',
    'homeDcChange',
    'authorize',
    'retry',
    'giveUp',
  ] as const) {
    recovery.on(name, (event: RecoveryEvents[typeof name]) => events.push({ name, event }))
  }
  const sends = (method: string) => net.calls.filter((call) => call.method === method).length
  return { clock, world, client, net, recovery, events, sends }
}

const message = (text = 'hi') =>
  new Api.messages.SendMessage({ peer: new Api.InputPeerSelf(), message: text })

/** Lets a promise's rejection be observed later without an unhandled-rejection warning. */
function settled<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
}

describe('GramJS adapter: a real TelegramClient over scripted senders', () => {
  it('turns GramJS own flood sleeping and retries off while wrapped, and gives them back', () => {
    const { client, recovery } = setup()
    const internals = client as unknown as { _requestRetries: number; invoke: unknown }
    expect(client.floodSleepThreshold).toBe(0)
    expect(internals._requestRetries).toBe(1)
    expect(Object.hasOwn(client, 'invoke')).toBe(true)
    recovery.unwrap()
    expect(client.floodSleepThreshold).toBe(60)
    expect(internals._requestRetries).toBe(5)
    expect(Object.hasOwn(client, 'invoke')).toBe(false)
    expect(() => wrapClient(client).unwrap()).not.toThrow()
  })

  it('honours a flood wait and remembers it: nothing is sent into the open window', async () => {
    const { clock, client, world, events, sends } = setup({
      world: { floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 2, windowMs: 2000 }] },
    })
    await client.invoke(message('1'))
    await client.invoke(message('2'))
    const third = settled(client.invoke(message('3')))
    await clock.advance(0)
    // The third call got FLOOD_WAIT_2 and sleeps; a fourth is held locally, never sent.
    const fourth = settled(client.invoke(message('4')))
    await clock.advance(0)
    expect(sends('messages.sendMessage')).toBe(3)
    expect(events.map((entry) => entry.name)).toEqual(['floodWait', 'floodWindowHit'])
    expect(events[0]?.event).toMatchObject({ method: 'messages.sendMessage', waitMs: 2000, willWait: true })

    await clock.advance(2000)
    expect(await third).toMatchObject({ ok: true, value: expect.any(Api.UpdateShortSentMessage) })
    // The key is paced now (2 accepted, then a 2 s wait): the fourth leaves one interval later.
    await clock.advance(1100)
    expect(await fourth).toMatchObject({ ok: true })
    expect(sends('messages.sendMessage')).toBe(5)
    expect(world.stats.floodViolations).toBe(0)
  })

  it('throws a wait too long for the budget at once, as GramJS own FloodWaitError with our details', async () => {
    const { clock, client, sends } = setup({
      world: {
        floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 1, windowMs: 120_000 }],
      },
      recovery: { maxFloodWaitMs: 30_000 },
    })
    await client.invoke(message())
    const error = await client.invoke(message()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(errors.FloodWaitError)
    expect((error as errors.FloodWaitError).seconds).toBe(120)
    expect(detailsOf(error)).toMatchObject({
      giveUpReason: 'flood-wait-too-long',
      retryAt: clock.now() + 120_000,
    })
    expect(RpcError.from(error as never).template).toBe('FLOOD_WAIT_%d')

    // Remembered: the next call is refused locally, as a FloodWaitError too, and never sent.
    await clock.advance(60_000)
    const refused = await client.invoke(message()).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(errors.FloodWaitError)
    expect((refused as errors.FloodWaitError).seconds).toBe(60)
    expect(detailsOf(refused)).toMatchObject({ fromStore: true })
    expect(sends('messages.sendMessage')).toBe(2)
  })

  it('follows USER_MIGRATE with GramJS own DC switch, once for all calls', async () => {
    const { client, recovery, events, net } = setup({ homeDcId: 1 })
    const first = await client.invoke(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }))
    expect(first).toEqual({ id: 'alice' })
    expect(client.session.dcId).toBe(2)
    expect(recovery.invoker.homeDcId).toBe(2)
    expect(net.mainSender.dcId).toBe(2)
    expect(events.filter((entry) => entry.name === 'migrate')).toHaveLength(1)
    // Home is known now: the next call goes straight to DC 2.
    const before = net.calls.length
    await client.invoke(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }))
    expect(net.calls.slice(before).map((call) => call.dcId)).toEqual([2])
  })

  it('follows FILE_MIGRATE through an exported sender; GramJS exports and imports the authorization', async () => {
    const { client, world, net } = setup({
      world: { accounts: { alice: { homeDcId: 2, authorizedOn: [2] } }, files: { '7': 4 } },
    })
    const getFile = new Api.upload.GetFile({
      location: new Api.InputDocumentFileLocation({
        id: bigInt(7),
        accessHash: bigInt(1),
        fileReference: Buffer.alloc(0),
        thumbSize: '',
      }),
      offset: bigInt(0),
      limit: 1024,
    })
    await expect(client.invoke(getFile)).resolves.toEqual({ bytes: 1024, offset: 0 })
    expect(world.isAuthorized('alice', 4)).toBe(true)
    expect(net.calls.map((call) => `${call.method}@${call.dcId}`)).toEqual([
      'upload.getFile@2',
      'help.getConfig@2',
      'auth.exportAuthorization@2',
      'auth.importAuthorization@4',
      'upload.getFile@4',
    ])
  })

  it('answers AUTH_KEY_UNREGISTERED on another DC with GramJS own export and import, then repeats', async () => {
    const { client, world, net, recovery, events } = setup({
      world: { accounts: { alice: { homeDcId: 2, authorizedOn: [2] } }, files: { '7': 4 } },
    })
    // A sender to DC 4 that GramJS believes authorized, which the server has forgotten.
    const stale = net.createSender(4, true)
    const internals = client as unknown as { _exportedSenderPromises: Map<number, Promise<unknown>> }
    internals._exportedSenderPromises.set(4, Promise.resolve(stale))
    const getFile = new Api.upload.GetFile({
      location: new Api.InputDocumentFileLocation({
        id: bigInt(7),
        accessHash: bigInt(1),
        fileReference: Buffer.alloc(0),
        thumbSize: '',
      }),
      offset: bigInt(0),
      limit: 512,
    })
    await expect(recovery.invoke(getFile, { dcId: 4 })).resolves.toEqual({ bytes: 512, offset: 0 })
    expect(world.isAuthorized('alice', 4)).toBe(true)
    expect(stale._authenticated).toBe(true)
    expect(events.filter((entry) => entry.name === 'authorize').map((entry) => entry.event)).toMatchObject([
      { dcId: 4, phase: 'start' },
      { dcId: 4, phase: 'done' },
    ])
  })

  it('rides out a short 500 storm with bounded backoff, and bounds an endless one', async () => {
    let storm = 3
    const { clock, client, sends, events } = setup({
      intercept: (call) =>
        call.method === 'messages.sendMessage' && storm-- > 0
          ? { kind: 'error', code: 500, message: 'INTERNAL_SERVER_ERROR' }
          : undefined,
    })
    const short = settled(client.invoke(message()))
    await clock.advance(10_000)
    expect(await short).toMatchObject({ ok: true })
    expect(sends('messages.sendMessage')).toBe(4)
    // Backoff doubles from 1 s (jitter pinned to its middle here).
    expect(
      events
        .filter((entry) => entry.name === 'retry')
        .map((entry) => (entry.event as { delayMs: number }).delayMs),
    ).toEqual([1000, 2000, 4000])

    storm = Number.POSITIVE_INFINITY
    const endless = settled(client.invoke(message()))
    await clock.advance(60_000)
    const outcome = await endless
    expect(outcome.ok).toBe(false)
    const error = (outcome as { error: unknown }).error
    expect(error).toBeInstanceOf(errors.RPCError)
    expect(error).toMatchObject({ code: 500, errorMessage: 'INTERNAL_SERVER_ERROR' })
    expect(detailsOf(error)).toMatchObject({ giveUpReason: 'attempts-exhausted' })
    expect(detailsOf(error)?.attempts).toHaveLength(5)
    expect(sends('messages.sendMessage')).toBe(4 + 5)
  })

  it('surfaces an input error at once with our field and end-user message', async () => {
    const { client, sends } = setup()
    const error = await client
      .invoke(new Api.account.UpdateProfile({ firstName: '' }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(errors.RPCError)
    expect(error).toMatchObject({ code: 400, errorMessage: 'FIRSTNAME_INVALID' })
    expect(detailsOf(error)).toMatchObject({
      field: 'first_name',
      userMessage: 'Please enter a valid first name.',
      giveUpReason: 'not-retryable',
    })
    expect(sends('account.updateProfile')).toBe(1)
  })

  it('ends calls at once on a client disconnected on purpose, as GramJS does', async () => {
    let net: ReturnType<typeof setup>['net'] | undefined
    const wrapped = setup({
      // The client is disconnected while its first attempt fails.
      intercept: (call) => {
        if (call.method !== 'messages.sendMessage') return undefined
        if (net !== undefined) net.mainSender.userDisconnected = true
        return { kind: 'error', code: 500, message: 'INTERNAL_SERVER_ERROR' }
      },
    })
    net = wrapped.net
    const { clock, client, sends } = wrapped
    const pending = settled(client.invoke(message()))
    await clock.advance(1000)
    const outcome = await pending
    expect(outcome).toMatchObject({ ok: false, error: expect.any(ClientDisconnectedError) })
    expect(detailsOf((outcome as { error: unknown }).error)).toMatchObject({ giveUpReason: 'not-retryable' })
    expect(sends('messages.sendMessage')).toBe(1)
    await expect(client.invoke(message())).rejects.toBeInstanceOf(ClientDisconnectedError)
  })

  it('runs the high-level methods through the engine too', async () => {
    // sendMessage asks who "me" is first; the world only knows the calls of its own method table.
    const me = new Api.User({ id: bigInt(1), self: true, accessHash: bigInt(1), firstName: 'Alice' })
    const { client, net } = setup({
      intercept: (call) => (call.method === 'users.getUsers' ? { kind: 'ok', value: [me] } : undefined),
    })
    await client.sendMessage('me', { message: 'through sendMessage' })
    expect(net.calls.find((call) => call.method === 'messages.sendMessage')).toMatchObject({
      params: { message: 'through sendMessage' },
    })
  })
})
