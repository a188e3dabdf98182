import { getEventListeners } from 'node:events'
import { Long, MtTimeoutError, tl } from '@mtcute/core'
import { afterEach, describe, expect, it } from 'vitest'
import { type MtcuteRecoveryOptions, mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import { detailsOf, explain, type GiveUpEvent, type RecoveryEvents } from '../../src/index.js'
import { type MtcuteWorldOptions, worldServer } from '../../src/testkit/clients/mtcute-world.js'
import { World, type WorldOptions } from '../../src/testkit/world/index.js'
import { FakeClock } from '../recovery/helpers.js'
import { offlineMtcuteClient } from './mtcute-offline-client.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

interface Setup {
  readonly primaryDc?: number
  readonly world?: WorldOptions
  readonly recovery?: MtcuteRecoveryOptions
  readonly intercept?: MtcuteWorldOptions['intercept']
}

/**
 * A real mtcute TelegramClient, offline: its middleware chain is ours followed by a fake server
 * answering from the simulated world. Only the connect step is skipped (it needs sockets).
 */
async function setup({
  primaryDc = 2,
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
  const server = worldServer({
    world,
    account: 'alice',
    primaryDcId: primaryDc,
    ...(intercept && { intercept }),
  })
  const recovery = mtcuteRecovery({ clock, random: () => 0.5, ...recoveryOptions })
  const tg = await offlineMtcuteClient(recovery, server)
  cleanups.push(async () => {
    recovery.invoker.close()
    await tg.destroy()
  })
  const events: Array<{ name: string; event: unknown }> = []
  for (const name of ['floodWait', 'floodWindowHit', 'migrate', 'retry', 'giveUp'] as const) {
    recovery.on(name, (event: RecoveryEvents[typeof name]) => events.push({ name, event }))
  }
  const sends = (method: string) => server.calls.filter((call) => call.method === method).length
  const giveUps = () =>
    events.filter((entry) => entry.name === 'giveUp').map((entry) => entry.event as GiveUpEvent)
  return { clock, world, server, recovery, tg, events, sends, giveUps }
}

const message = (text = 'hi'): tl.messages.RawSendMessageRequest => ({
  _: 'messages.sendMessage',
  peer: { _: 'inputPeerSelf' },
  message: text,
  randomId: Long.fromNumber(Math.floor(Math.random() * 1e9)) as never,
})

function settled<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
}

describe('mtcute adapter: a real mtcute client, its middleware chain ending in a fake server', () => {
  it('replaces floodWaiter and internalErrorsHandler, keeping mtcute mediaThrottle first', async () => {
    const { recovery } = await setup()
    expect(recovery.middlewares).toHaveLength(2)
    expect(recovery.middlewares[1]).toBe(recovery.middleware)
  })

  it('honours a flood wait and remembers it: nothing is sent into the open window', async () => {
    const { clock, tg, world, events, sends } = await setup({
      world: { floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 2, windowMs: 2000 }] },
    })
    await tg.call(message('1'))
    await tg.call(message('2'))
    const third = settled(tg.call(message('3')))
    await clock.advance(0)
    const fourth = settled(tg.call(message('4')))
    await clock.advance(0)
    expect(sends('messages.sendMessage')).toBe(3)
    expect(events.map((entry) => entry.name)).toEqual(['floodWait', 'floodWindowHit'])

    await clock.advance(2000)
    expect(await third).toMatchObject({ ok: true, value: { _: 'updateShortSentMessage' } })
    // The key is paced now (2 accepted, then a 2 s wait): the fourth leaves one interval later.
    await clock.advance(1100)
    expect(await fourth).toMatchObject({ ok: true })
    expect(sends('messages.sendMessage')).toBe(5)
    expect(world.stats.floodViolations).toBe(0)
  })

  it("gives a wait too long back as mtcute's own tl.RpcError, and refuses the next call locally", async () => {
    const { clock, tg, sends, giveUps } = await setup({
      world: {
        floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 1, windowMs: 120_000 }],
      },
      recovery: { maxFloodWaitMs: 30_000 },
    })
    await tg.call(message())
    const error = await tg.call(message()).catch((e: unknown) => e)
    if (!tl.RpcError.is(error, 'FLOOD_WAIT_%d')) throw error
    expect(error.seconds).toBe(120)
    expect(detailsOf(giveUps()[0]?.error)).toMatchObject({ retryAt: clock.now() + 120_000 })

    await clock.advance(60_000)
    const refused = await tg.call(message()).catch((e: unknown) => e)
    if (!tl.RpcError.is(refused, 'FLOOD_WAIT_%d')) throw refused
    expect(refused.seconds).toBe(60)
    expect(detailsOf(giveUps()[1]?.error)).toMatchObject({ fromStore: true })
    expect(sends('messages.sendMessage')).toBe(2)
  })

  it("honours mtcute's per-call options: floodSleepThreshold and maxRetryCount", async () => {
    const { tg, sends } = await setup({
      world: { floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 1, windowMs: 2000 }] },
    })
    await tg.call(message())
    const error = await tg.call(message(), { floodSleepThreshold: 1000 }).catch((e: unknown) => e)
    expect(tl.RpcError.is(error, 'FLOOD_WAIT_%d')).toBe(true)
    expect(sends('messages.sendMessage')).toBe(2)
  })

  it('follows STATS_MIGRATE and FILE_MIGRATE, which mtcute leaves to the caller', async () => {
    const { tg, server, recovery } = await setup({
      world: {
        accounts: { alice: { homeDcId: 2, authorizedOn: [2, 4] } },
        statsDcs: { '9': 4 },
        files: { '7': 4 },
      },
    })
    const stats = await tg.call({
      _: 'stats.getBroadcastStats',
      channel: { _: 'inputChannel', channelId: 9, accessHash: Long.ZERO as never },
    } as never)
    expect(stats).toEqual({ channel: '9' })
    const file = await tg.call({
      _: 'upload.getFile',
      location: {
        _: 'inputDocumentFileLocation',
        id: 7,
        accessHash: 0,
        fileReference: new Uint8Array(),
        thumbSize: '',
      },
      offset: 0,
      limit: 4096,
    } as never)
    expect(file).toEqual({ bytes: 4096, offset: 0 })
    expect(server.calls.map((call) => `${call.method}@${call.dcId}`)).toEqual([
      'stats.getBroadcastStats@2',
      'stats.getBroadcastStats@4',
      'upload.getFile@2',
      'upload.getFile@4',
    ])
    expect(recovery.invoker.homeDcId).toBe(2)
  })

  it("leaves AUTH_KEY_UNREGISTERED on another DC to mtcute's network manager (no hook of ours)", async () => {
    const { tg, giveUps } = await setup({
      world: { accounts: { alice: { homeDcId: 2, authorizedOn: [2] } }, statsDcs: { '9': 4 } },
    })
    const error = await tg
      .call({
        _: 'stats.getBroadcastStats',
        channel: { _: 'inputChannel', channelId: 9, accessHash: 0 },
      } as never)
      .catch((e: unknown) => e)
    expect(tl.RpcError.is(error, 'AUTH_KEY_UNREGISTERED')).toBe(true)
    expect(giveUps()[0]).toMatchObject({ reason: 'recovery-failed' })
  })

  it('moves the home DC through mtcute changePrimaryDc when a USER_MIGRATE reaches the chain', async () => {
    const { tg, server, recovery } = await setup({ primaryDc: 1 })
    await expect(tg.call({ _: 'users.getFullUser', id: { _: 'inputUserSelf' } } as never)).resolves.toEqual({
      id: 'alice',
    })
    expect(server.primaryDcId).toBe(2)
    expect(recovery.invoker.homeDcId).toBe(2)
    expect(server.calls.map((call) => call.dcId)).toEqual([1, 2])
  })

  it('rides out a short 500 storm with bounded backoff, and bounds an endless one', async () => {
    let storm = 3
    const { clock, tg, sends, giveUps } = await setup({
      intercept: (call) =>
        call.method === 'messages.sendMessage' && storm-- > 0
          ? { kind: 'error', code: 500, message: 'INTERNAL_SERVER_ERROR' }
          : undefined,
    })
    const short = settled(tg.call(message()))
    await clock.advance(10_000)
    expect(await short).toMatchObject({ ok: true })
    expect(sends('messages.sendMessage')).toBe(4)

    storm = Number.POSITIVE_INFINITY
    const endless = settled(tg.call(message()))
    await clock.advance(60_000)
    const outcome = await endless
    expect(outcome.ok).toBe(false)
    const error = (outcome as { error: tl.RpcError }).error
    expect(tl.RpcError.is(error, 'INTERNAL_SERVER_ERROR')).toBe(true)
    expect(error.code).toBe(500)
    expect(giveUps()[0]).toMatchObject({ reason: 'attempts-exhausted' })
    expect(giveUps()[0]?.attempts).toHaveLength(5)
    expect(sends('messages.sendMessage')).toBe(4 + 5)
  })

  it("keeps mtcute's throw503: a -503 ends such a call at once with MtTimeoutError", async () => {
    const { clock, tg, sends } = await setup({
      intercept: (call) =>
        call.method === 'messages.sendMessage'
          ? { kind: 'error', code: -503, message: 'Timeout' }
          : undefined,
    })
    await expect(tg.call(message(), { throw503: true })).rejects.toBeInstanceOf(MtTimeoutError)
    expect(sends('messages.sendMessage')).toBe(1)
    const retried = settled(tg.call(message(), { maxRetryCount: 2 }))
    await clock.advance(10_000)
    expect((await retried).ok).toBe(false)
    expect(sends('messages.sendMessage')).toBe(1 + 3)
  })

  it('ends waiting calls at once when the client stops, as mtcute own middlewares do', async () => {
    const { clock, tg } = await setup({
      world: {
        floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 1, windowMs: 10_000 }],
      },
    })
    await tg.call(message())
    const waiting = Array.from({ length: 20 }, () => settled(tg.call(message())))
    await clock.advance(100)
    // Twenty held calls, and no listener piled on the client's one stop signal.
    const network = (
      tg as unknown as { _client: { mt: { network: { params: { stopSignal: AbortSignal } } } } }
    )._client.mt.network
    expect(getEventListeners(network.params.stopSignal, 'abort').length).toBeLessThan(3)
    await tg.disconnect()
    for (const outcome of await Promise.all(waiting)) {
      expect(outcome).toMatchObject({ ok: false, error: { name: 'AbortError' } })
    }
    expect(clock.pending).toBe(0)
  })

  it('surfaces an input error at once; explain() and the giveUp event carry our field and message', async () => {
    const { tg, sends, giveUps } = await setup()
    const error = await tg.call({ _: 'account.updateProfile', firstName: '' }).catch((e: unknown) => e)
    expect(tl.RpcError.is(error, 'FIRSTNAME_INVALID')).toBe(true)
    expect(explain(error)).toMatchObject({
      field: 'first_name',
      userMessage: 'Please enter a valid first name.',
    })
    expect(detailsOf(giveUps()[0]?.error)).toMatchObject({
      field: 'first_name',
      userMessage: 'Please enter a valid first name.',
    })
    expect(sends('account.updateProfile')).toBe(1)
  })
})
