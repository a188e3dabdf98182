import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { instrument } from '../../src/otel/index.js'
import type { Invoker } from '../../src/recovery/invoker.js'
import type { Cluster } from '../../src/testkit/index.js'
import { freePort } from '../../src/testkit/redis-server.js'
import { type PrometheusServer, pollUntil, startPrometheus } from './prometheus-server.js'
import { runWorkload, startScriptedCluster } from './workload.js'

// `prometheus` is installed by the tests' global setup (test/setup/services.ts), never skipped.
/**
 * The whole path an operator has: the engine's metrics through the OpenTelemetry SDK and its
 * Prometheus exporter, scraped by a real Prometheus, read back with PromQL, and compared with what
 * the testkit's server side counted.
 */
describe('metrics scraped by a real Prometheus', () => {
  let exporter: PrometheusExporter
  let meterProvider: MeterProvider
  let prometheus: PrometheusServer
  let cluster: Cluster
  let invoke: Invoker
  const stops: Array<() => void> = []

  beforeAll(async () => {
    const port = await freePort()
    exporter = new PrometheusExporter({ host: '127.0.0.1', port, preventServerStart: true })
    await exporter.startServer()
    meterProvider = new MeterProvider({ readers: [exporter] })
    const scripted = await startScriptedCluster()
    cluster = scripted.cluster
    invoke = scripted.invoke
    stops.push(instrument(invoke, { meterProvider }), instrument(cluster, { meterProvider }))
    prometheus = await startPrometheus(`127.0.0.1:${port}`)
    await runWorkload(invoke, scripted.clock)
  }, 60_000)

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
      (result) => result[0]?.value === expected,
      20_000,
    ).catch(() => prometheus.query(`sum(${promql})`))
    return samples[0]?.value ?? Number.NaN
  }

  it('reads the flood-wait counter equal to the flood waits the testkit answered', async () => {
    const answered = cluster.report().errorsByType.FLOOD_WAIT_X
    expect(answered).toBe(1)
    expect(await scraped('mtproto_client_flood_waits_total', answered as number)).toBe(answered)
    expect(await scraped('mtproto_testkit_errors_total{error_type="FLOOD_WAIT_X"}', 1)).toBe(1)
  }, 30_000)

  it('reads the give-up counter: one 500 run exhausted, one input error', async () => {
    const report = cluster.report()
    // Every 500 of the run was injected by the testkit, and the fifth ended the call.
    expect(report.injectedFaults).toBe(5)
    expect(await scraped('mtproto_testkit_faults_injected_total', report.injectedFaults)).toBe(5)
    expect(
      await scraped('mtproto_client_give_ups_total{mtproto_give_up_reason="attempts-exhausted"}', 1),
    ).toBe(1)
    expect(await scraped('mtproto_client_give_ups_total{mtproto_give_up_reason="not-retryable"}', 1)).toBe(1)
    expect(await scraped('mtproto_client_calls_total', 5)).toBe(5)
    expect(await scraped('mtproto_testkit_calls_total', report.calls)).toBe(report.calls)
  }, 30_000)
})
