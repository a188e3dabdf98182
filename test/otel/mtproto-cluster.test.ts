import { TelegramClient } from '@mtcute/node'
import { afterEach, describe, expect, it } from 'vitest'
import { mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import { ATTR, instrument, METRIC } from '../../src/otel/index.js'
import { loginMtcute, mtcuteOptions } from '../../src/testkit/mtproto/client-options.js'
import { startCluster } from '../../src/testkit/start-cluster.js'
import { OtelHarness } from './harness.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * The MTProto cluster (real MTProto 2.0: key exchange, encryption, containers) instrumented like
 * the plain one, under an unmodified mtcute client that runs our adapter: what the server counted
 * is exported equal to its `report()`, beside what the client's engine did.
 */
describe('instrument(startCluster({ protocol: "mtproto" })) under a real mtcute client', () => {
  it("exports the server's counters equal to its report, beside the client's own", async () => {
    const harness = new OtelHarness()
    cleanups.push(harness.close.bind(harness))
    // 3 messages per 10 s, then a 1 s FLOOD_WAIT: a burst of 6 meets it.
    const cluster = await startCluster({
      protocol: 'mtproto',
      floodRules: [
        { method: 'messages.sendMessage', scope: 'account', maxCalls: 3, windowMs: 10_000, waitMs: 1000 },
      ],
    })
    cleanups.push(() => cluster.stop())
    const recovery = mtcuteRecovery()
    const client = new TelegramClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(cluster, { dcId: 1 }),
      network: { middlewares: recovery.middlewares },
      logLevel: 0,
    })
    cleanups.push(async () => {
      recovery.invoker.close()
      await client.destroy()
    })
    const providers = { meterProvider: harness.meterProvider }
    cleanups.push(instrument(cluster, providers), instrument(recovery, providers))

    // The login meets PHONE_MIGRATE (the client starts on DC 1, the phone lives on DC 2).
    await loginMtcute(client, '9996620051')
    const sent = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => client.sendText('me', `m${i}`)))
    expect(sent.filter((result) => result.status === 'rejected')).toEqual([])

    const report = cluster.report()
    expect(report.migrations).toBeGreaterThanOrEqual(1)
    expect(report.errorsByType.FLOOD_WAIT_X).toBeGreaterThanOrEqual(1)
    expect(report.floodViolations).toBe(0)
    expect(await harness.value(METRIC.testkitCalls)).toBe(report.calls)
    expect(await harness.value(METRIC.testkitMigrations)).toBe(report.migrations)
    expect(await harness.value(METRIC.testkitViolations)).toBe(report.floodViolations)
    expect(await harness.value(METRIC.testkitRefusedInFlight)).toBe(report.floodRefusedInFlight)
    expect(await harness.value(METRIC.testkitFaults)).toBe(report.injectedFaults)
    const errors = await harness.points(METRIC.testkitErrors)
    expect(
      Object.fromEntries(errors.map((point) => [point.attributes[ATTR.errorType], point.value])),
    ).toEqual(report.errorsByType)
    // What the client's engine saw of the same traffic: every flood error the server answered.
    // (Not the login's PHONE_MIGRATE: mtcute follows USER/PHONE/NETWORK_MIGRATE below the
    // middleware chain, in its network manager, so the engine never sees it; docs/adapters.md.)
    expect(await harness.value(METRIC.floodWaits)).toBe(report.errorsByType.FLOOD_WAIT_X)
    expect(await harness.value(METRIC.migrations)).toBe(0)
    expect(
      await harness.value(METRIC.calls, { [ATTR.rpcMethod]: 'messages.sendMessage', [ATTR.outcome]: 'ok' }),
    ).toBe(6)
  }, 90_000)
})
