import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../src/testkit/redis-server.js'

/** A Prometheus server of the test's own, scraping one target on loopback. */
export interface PrometheusServer {
  /** Runs an instant PromQL query; the samples' labels and values. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>>
  /** Kills the server, waits for it to exit, and removes its folder. */
  dispose(): Promise<void>
}

/** Polls `read` every 200 ms until `done` holds for its result, or throws after `timeoutMs`. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      last = await read()
      if (done(last)) return last
    } catch (error) {
      lastError = error
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`not reached in ${timeoutMs} ms; last value ${JSON.stringify(last)}`, { cause: lastError })
}

/**
 * Starts `prometheus` on a free loopback port with a config that scrapes `target` (host:port)
 * every second, its storage in a temporary folder; resolves once it answers queries.
 */
export async function startPrometheus(target: string): Promise<PrometheusServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-errors-prometheus-'))
  const config = join(dir, 'prometheus.yml')
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: mtproto-errors',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const base = `http://127.0.0.1:${port}`

  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await pollUntil(
      async () => (await fetch(`${base}/-/ready`)).status,
      (status) => status === 200,
      30_000,
    )
  } catch (error) {
    await dispose()
    throw new Error(`prometheus did not become ready: ${stderr}`, { cause: error })
  }
  return {
    async query(promql) {
      const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`)
      const body = (await response.json()) as {
        status: string
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> }
      }
      if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`)
      return body.data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }))
    },
    dispose,
  }
}
