import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoInvoker, runDemoWorkload } from '../../examples/demo/run.js'
import { CLUSTER, QUICK } from '../../examples/demo/scenario.js'
import { Workload } from '../../examples/demo/workload.js'
import { instrument } from '../../src/otel/index.js'
import type { Invoker } from '../../src/recovery/invoker.js'
import {
  type ClusterReport,
  type PlainCluster,
  startCluster,
  type TallyCounts,
  tallyRecovery,
} from '../../src/testkit/index.js'
import { freePort } from '../../src/testkit/redis-server.js'
import { type PrometheusServer, pollUntil, startPrometheus } from './prometheus-server.js'

/** Flood errors the server answered: every error type that tells the client to wait (`FLOOD_WAIT_X`, `SLOWMODE_WAIT_X`, ...). */
const floodAnswers = (report: ClusterReport): number =>
  Object.entries(report.errorsByType)
    .filter(([type]) => /WAIT/.test(type))
    .reduce((total, [, count]) => total + count, 0)

// `prometheus` is installed by the tests' global setup (test/setup/services.ts), never skipped.
/**
 * The whole path an operator has: the demo's workload (what `npm start` runs, its quick size) with
 * the engine's metrics going through the OpenTelemetry SDK and its Prometheus exporter, scraped by
 * a real Prometheus while it runs, read back with PromQL, and compared with what the testkit
 * counted: the server's report, and the tally of the engine's events the demo prints.
 */
describe('the demo workload, scraped by a real Prometheus', () => {
  let exporter: PrometheusExporter
  let meterProvider: MeterProvider
  let prometheus: PrometheusServer
  let cluster: PlainCluster
  let invoke: Invoker
  let report: ClusterReport
  let tally: TallyCounts
  let scrapedDuringRun = 0
  const stops: Array<() => void> = []

  beforeAll(async () => {
    const port = await freePort()
    exporter = new PrometheusExporter({ host: '127.0.0.1', port, preventServerStart: true })
    await exporter.startServer()
    meterProvider = new MeterProvider({ readers: [exporter] })
    prometheus = await startPrometheus(`127.0.0.1:${port}`)
    // Prometheus takes up a new target some seconds after it starts: wait for its first scrape, so
    // that it scrapes while the workload runs rather than only after.
    await pollUntil(
      () => prometheus.query('up'),
      (samples) => samples[0]?.value === 1,
      30_000,
    )
    cluster = await startCluster(CLUSTER)
    invoke = demoInvoker(cluster)
    const counting = tallyRecovery(invoke)
    stops.push(counting.stop, instrument(invoke, { meterProvider }), instrument(cluster, { meterProvider }))
    // Prometheus scrapes every second while the workload runs; watch it see the first calls.
    let running = true
    const watching = (async () => {
      while (running && scrapedDuringRun === 0) {
        scrapedDuringRun = await prometheus.query('sum(mtproto_client_calls_total)').then(
          (samples) => samples[0]?.value ?? 0,
          () => 0,
        )
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    })()
    await runDemoWorkload(new Workload(invoke, () => undefined), QUICK)
    running = false
    await watching
    tally = counting.counts()
    report = cluster.report()
  }, 120_000)

  afterAll(async () => {
    for (const stop of stops) stop()
    invoke?.close()
    await cluster?.stop()
    await prometheus?.dispose()
    await meterProvider?.shutdown()
    await exporter?.stopServer()
  })

  /** The sum over every series of `promql`, once Prometheus has scraped a value equal to `expected`. */
  const scraped = async (promql: string, expected: number): Promise<number> => {
    const samples = await pollUntil(
      () => prometheus.query(`sum(${promql})`),
      (result) => (result[0]?.value ?? 0) === expected,
      20_000,
    ).catch(() => prometheus.query(`sum(${promql})`))
    return samples[0]?.value ?? 0
  }

  it('reads the flood-wait counter equal to the flood errors the server answered', async () => {
    const answered = floodAnswers(report)
    // The demo's burst, slow-mode posts and resolves each meet their limits.
    expect(answered).toBeGreaterThan(0)
    expect(tally.floodWaits.slept + tally.floodWaits.thrown).toBe(answered)
    expect(await scraped('mtproto_client_flood_waits_total', answered)).toBe(answered)
    expect(await scraped('mtproto_testkit_errors_total{error_type=~".*WAIT.*"}', answered)).toBe(answered)
    expect(report.floodViolations).toBe(0)
  }, 30_000)

  it('reads the give-up counter by reason equal to the give-ups the engine reported', async () => {
    // The statistics service is down and the typos are input errors: at least those give up.
    expect(tally.giveUps['not-retryable']).toBeGreaterThanOrEqual(3)
    expect(tally.giveUps['attempts-exhausted']).toBeGreaterThanOrEqual(1)
    for (const [reason, count] of Object.entries(tally.giveUps)) {
      expect(await scraped(`mtproto_client_give_ups_total{mtproto_give_up_reason="${reason}"}`, count)).toBe(
        count,
      )
    }
    const all = Object.values(tally.giveUps).reduce((a, b) => a + b, 0)
    expect(await scraped('mtproto_client_give_ups_total', all)).toBe(all)
  }, 30_000)

  it('reads calls, faults and redirects beside the server report, and saw calls while the demo ran', async () => {
    expect(scrapedDuringRun).toBeGreaterThan(0)
    expect(await scraped('mtproto_testkit_calls_total', report.calls)).toBe(report.calls)
    expect(await scraped('mtproto_testkit_faults_injected_total', report.injectedFaults)).toBe(
      report.injectedFaults,
    )
    const redirects = Object.values(tally.migrations).reduce((a, b) => a + b, 0)
    expect(redirects).toBeGreaterThan(0)
    expect(await scraped('mtproto_client_migrations_total', redirects)).toBe(redirects)
    expect(await scraped('mtproto_testkit_migrations_total', report.migrations)).toBe(report.migrations)
  }, 30_000)
})
