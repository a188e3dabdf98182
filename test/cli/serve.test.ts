import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { connect as netConnect } from 'node:net'
import { createInterface } from 'node:readline'
import { TelegramClient } from '@mtcute/node'
import { describe, expect, it } from 'vitest'
import { loginMtcute, mtcuteOptions } from '../../src/testkit/clients.js'
import { connect } from '../../src/testkit/index.js'
import { root } from './run-cli.js'

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--json', ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '' },
  })
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

  it('serves the plain cluster, which answers calls from connect(), and reports them on SIGTERM', async () => {
    const served = await serve(['--protocol', 'plain', '--dcs', '2'])
    const transport = connect({ dcs: served.first.dcs }, { account: 'alice' })
    try {
      await expect(transport.send({ dcId: 2, method: 'help.getConfig', params: {} })).resolves.toMatchObject({
        thisDc: 2,
      })
    } finally {
      transport.close()
    }
    served.child.kill('SIGTERM')
    expect(await served.exit).toBe(0)
    expect(JSON.parse(served.lines.at(-1)!).report.calls).toBe(1)
  }, 30_000)
})
