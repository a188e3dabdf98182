import { TelegramClient } from '@mtcute/node'
import { afterEach, describe, expect, it } from 'vitest'
import { type MtprotoCluster, startCluster, testPhone } from '../../../src/testkit/index.js'
import { loginMtcute, mtcuteOptions } from '../../../src/testkit/mtproto/client-options.js'

/**
 * Over MTProto the cluster tells a call the client sent knowing of a wait (it had acknowledged the
 * refusal, or sent the call on the same session after the refusal went out) from one that was
 * already on its way: `floodViolations` counts the first kind, `floodViolationsStrict` both.
 */
describe('MTProto flood receipts: what the client had seen', () => {
  let cluster: MtprotoCluster | undefined
  let client: TelegramClient | undefined

  afterEach(async () => {
    await client?.destroy()
    await cluster?.stop()
  })

  it('counts calls already in flight when the refusal went out as strict violations only', async () => {
    cluster = await startCluster({
      protocol: 'mtproto',
      dcCount: 2,
      floodRules: [{ method: 'contacts.resolveUsername', scope: 'account', maxCalls: 2, windowMs: 5_000 }],
    })
    client = new TelegramClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(cluster, { dcId: 2 }),
      logLevel: 0,
    })
    const me = await loginMtcute(client, testPhone(2, 31))
    const resolve = () =>
      (client as TelegramClient).call(
        { _: 'contacts.resolveUsername', username: me.username! },
        { floodSleepThreshold: 0 },
      )
    // Five at once: two accepted, the third opens the wait, the last two arrive inside it before
    // the client could have read the refusal.
    const burst = await Promise.allSettled(Array.from({ length: 5 }, () => resolve()))
    expect(burst.filter((result) => result.status === 'rejected')).toHaveLength(3)
    const afterBurst = cluster.report()
    expect(afterBurst.floodViolationsStrict).toBe(2)
    expect(afterBurst.floodViolations).toBe(0)
  })

  it('counts a call sent on the same session after the refusal reached the client in both counts', async () => {
    cluster = await startCluster({
      protocol: 'mtproto',
      dcCount: 2,
      floodRules: [{ method: 'contacts.resolveUsername', scope: 'account', maxCalls: 1, windowMs: 1_000 }],
    })
    client = new TelegramClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(cluster, { dcId: 2 }),
      logLevel: 0,
    })
    const me = await loginMtcute(client, testPhone(2, 32))
    const resolve = () =>
      (client as TelegramClient).call(
        { _: 'contacts.resolveUsername', username: me.username! },
        { floodSleepThreshold: 0 },
      )
    await resolve()
    await expect(resolve()).rejects.toMatchObject({ code: 420 })
    // The refusal is in hand: the next call inside the wait is a violation in either reading.
    await expect(resolve()).rejects.toMatchObject({ code: 420 })
    const report = cluster.report()
    expect(report.floodViolationsStrict).toBe(1)
    expect(report.floodViolations).toBe(1)
  })
})
