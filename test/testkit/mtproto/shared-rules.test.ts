import { TelegramClient } from '@mtcute/node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type MtprotoCluster, startCluster, testPhone } from '../../../src/testkit/index.js'
import { loginMtcute, mtcuteOptions } from '../../../src/testkit/mtproto/client-options.js'

/** The plain cluster's options (shared rules, seeded faults) over real MTProto, with mtcute. */
describe('MTProto cluster with the shared rules and faults', () => {
  let cluster: MtprotoCluster | undefined
  const clients: TelegramClient[] = []

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()))
    await cluster?.stop()
  })

  function newClient(c: MtprotoCluster): TelegramClient {
    const client = new TelegramClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(c, { dcId: 2 }),
      logLevel: 0,
    })
    clients.push(client)
    return client
  }

  it('answers seeded per-method faults and counts them in report()', async () => {
    cluster = await startCluster({
      protocol: 'mtproto',
      dcCount: 3,
      faults: { byMethod: { 'users.getFullUser': { internalErrorRate: 1 } } },
    })
    const client = newClient(cluster)
    await loginMtcute(client, testPhone(2, 21))
    await expect(
      client.call({ _: 'users.getFullUser', id: { _: 'inputUserSelf' } }, { maxRetryCount: 0 }),
    ).rejects.toMatchObject({ code: 500 })
    const report = cluster.report()
    expect(report.injectedFaults).toBeGreaterThanOrEqual(1)
    expect(report.errorsByType.INTERNAL_SERVER_ERROR).toBeGreaterThanOrEqual(1)
    expect(report.errorsByType.PHONE_MIGRATE_X).toBeUndefined() // the client started on the home DC
    expect(report.connections).toBeGreaterThanOrEqual(1)
  })

  it('takes the plain cluster floodRules, and counts violations in report()', async () => {
    cluster = await startCluster({
      protocol: 'mtproto',
      dcCount: 2,
      floodRules: [{ method: 'contacts.resolveUsername', scope: 'account', maxCalls: 1, windowMs: 1000 }],
    })
    const client = newClient(cluster)
    const me = await loginMtcute(client, testPhone(2, 22))
    const resolve = () =>
      client.call({ _: 'contacts.resolveUsername', username: me.username! }, { floodSleepThreshold: 0 })
    await resolve()
    await expect(resolve()).rejects.toMatchObject({ code: 420 })
    await expect(resolve()).rejects.toMatchObject({ code: 420 })
    expect(cluster.report().floodViolations).toBe(1)
  })

  /** Starts a cluster that loses every call one way, sends one, and polls until the loss is counted. */
  async function loseOneCall(transportFaults: { dropRequestRate: 1 } | { dropAnswerRate: 1 }, kind: string) {
    const dropping = await startCluster({ protocol: 'mtproto', dcCount: 2, transportFaults })
    cluster = dropping
    const client = newClient(dropping)
    // Every call is lost, so this never settles; the server side is what we check.
    void client.call({ _: 'help.getConfig' }).catch(() => {})
    // Polled: the drop is the positive event; once it is counted, the call it cut is past the point
    // where the world would have seen it.
    return vi.waitFor(
      () => {
        const current = dropping.report()
        expect(current.transportFaults[kind]).toBeGreaterThanOrEqual(1)
        return current
      },
      { timeout: 5_000, interval: 20 },
    )
  }

  it('drops requests at the seeded rate, before the world sees the call', async () => {
    const report = await loseOneCall({ dropRequestRate: 1 }, 'drop-request')
    expect(report.calls).toBe(0)
    expect(report.connections).toBeGreaterThanOrEqual(1)
  })

  it('drops answers at the seeded rate, after the world has taken the call', async () => {
    const report = await loseOneCall({ dropAnswerRate: 1 }, 'drop-answer')
    // The world answered every call whose answer was dropped: the call took effect.
    expect(report.calls).toBeGreaterThanOrEqual(report.transportFaults['drop-answer']!)
    expect(report.transportFaults['drop-request']).toBeUndefined()
  })
})
