import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { connect as netConnect } from 'node:net'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { TelegramClient } from '@mtcute/node'
import { describe, expect, it } from 'vitest'
import type { CliContext } from '../../src/cli/context.js'
import { runCli } from '../../src/cli/program.js'
import { createStyle } from '../../src/cli/style.js'
import { loginMtcute, mtcuteOptions } from '../../src/testkit/clients.js'
import { createTestkitInvoker, type ServedPlainCluster } from '../../src/testkit/index.js'
import { spawnCli } from './run-cli.js'

interface Served {
  readonly child: ChildProcessWithoutNullStreams
  readonly first: {
    protocol: string
    dcs: { id: number; host: string; port: number }[]
    rsaPublicKeyPem?: string
  }
  readonly lines: string[]
  readonly exit: Promise<number | null>
}

/** Starts `serve --json` as a user's shell would and waits for its first (machine-readable) line. */
async function serve(args: readonly string[]): Promise<Served> {
  const child = spawnCli(['serve', '--json', ...args])
  const lines: string[] = []
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve))
  const reader = createInterface({ input: child.stdout })
  const first = await new Promise<string>((resolve, reject) => {
    reader.on('line', (line) => {
      lines.push(line)
      if (lines.length === 1) resolve(line)
    })
    child.on('close', () => reject(new Error(`serve exited early: ${lines.join('\n')}`)))
  })
  return { child, first: JSON.parse(first), lines, exit }
}

function tcpOpens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1', () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

describe('mtproto-errors serve', () => {
  it('serves the MTProto cluster by default, prints its key, and stops cleanly on SIGINT', async () => {
    const served = await serve(['--dcs', '3', '--seed', '4'])
    expect(served.first.protocol).toBe('mtproto')
    expect(served.first.dcs.map((dc) => dc.id)).toEqual([1, 2, 3])
    expect(served.first.rsaPublicKeyPem).toMatch(/BEGIN RSA PUBLIC KEY/)
    expect(await tcpOpens(served.first.dcs[1]!.port)).toBe(true)
    // The printed line is all a client in another process needs.
    const cluster = { dcs: served.first.dcs, rsaPublicKeyPem: served.first.rsaPublicKeyPem! }
    const client = new TelegramClient({ apiId: 1, apiHash: 'hash', ...mtcuteOptions(cluster), logLevel: 0 })
    try {
      const me = await loginMtcute(client, '9996630001')
      expect(me.phoneNumber).toBe('9996630001')
    } finally {
      await client.destroy()
    }
    served.child.kill('SIGINT')
    expect(await served.exit).toBe(0)
    expect(JSON.parse(served.lines.at(-1)!)).toHaveProperty('report')
  }, 30_000)

  it('serves the plain cluster in process; its --json line is all createTestkitInvoker needs', async () => {
    let stop: (signal: string) => void = () => {}
    const lines: string[] = []
    let firstLine: (line: string) => void = () => {}
    const first = new Promise<string>((resolve) => {
      firstLine = resolve
    })
    const context: CliContext = {
      out: (line) => {
        lines.push(line)
        if (lines.length === 1) firstLine(line)
      },
      err: () => {},
      stdin: Readable.from([]),
      style: createStyle(false),
      exitCode: 0,
      waitForStop: () =>
        new Promise((resolve) => {
          stop = resolve
        }),
    }
    const exit = runCli(
      ['node', 'mtproto-errors', 'serve', '--protocol', 'plain', '--dcs', '2', '--json'],
      context,
    )
    const served = JSON.parse(await first) as ServedPlainCluster
    const invoke = createTestkitInvoker(served, { account: 'alice' })
    try {
      await expect(invoke('users.getFullUser')).resolves.toEqual({ id: 'alice' })
      expect(invoke.homeDcId).toBe(2)
    } finally {
      invoke.close()
    }
    stop('SIGTERM')
    expect(await exit).toBe(0)
    expect(JSON.parse(lines.at(-1) as string).report.calls).toBe(1)
  }, 30_000)
})
