import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import {
  consumerDir,
  installedManifest,
  runInConsumer,
  runNode,
  transcript,
  writeInConsumer,
} from './consumer.js'

/** The bin as a user's shell finds it after `npm install`. */
const bin = () => join(consumerDir(), 'node_modules/.bin/mtproto-errors')

const int32 = (value: number) => {
  const bytes = Buffer.alloc(4)
  bytes.writeInt32LE(value)
  return bytes
}

/** A TL string: one length byte, the bytes, zero padding to a multiple of 4. */
const tlString = (text: string) => {
  const body = Buffer.concat([Buffer.from([text.length]), Buffer.from(text, 'latin1')])
  return Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)])
}

/**
 * rpc_result#f35c6d01 req_msg_id:long result:(rpc_error#2144ca19 error_code:int error_message:string),
 * written out by hand from the schema so the bin is checked against the protocol, not against our
 * own encoder.
 */
const RPC_RESULT_WITH_FLOOD_WAIT = Buffer.concat([
  Buffer.from('016d5cf3', 'hex'),
  Buffer.from('0700000000000000', 'hex'),
  Buffer.from('19ca4421', 'hex'),
  int32(420),
  tlString('FLOOD_WAIT_30'),
]).toString('hex')

/** Signs an unmodified mtcute client in to a cluster another process serves, from the line it printed. */
const LOGIN_FROM_ANOTHER_PROCESS = `
import { loginMtcute, mtcuteOptions } from 'mtproto-errors/testkit/clients'
import { TelegramClient } from '@mtcute/node'
const cluster = JSON.parse(process.argv[2])
const client = new TelegramClient({ apiId: 1, apiHash: 'hash', ...mtcuteOptions(cluster), logLevel: 0 })
try {
  console.log((await loginMtcute(client)).phoneNumber)
} finally {
  await client.destroy()
}
`

function firstLine(child: ChildProcessWithoutNullStreams, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line)
      if (lines.length === 1) resolve(line)
    })
    child.on('close', (code) => reject(new Error(`serve exited (${code}) before printing a line`)))
  })
}

describe('the mtproto-errors bin of the installed package', () => {
  it('is declared and linked', () => {
    expect(installedManifest().bin).toHaveProperty('mtproto-errors')
  })

  it('prints the installed version (read from package.json relative to the bundle)', async () => {
    const run = await runInConsumer(bin(), ['--version'])
    expect(run.code, transcript(run)).toBe(0)
    expect(run.stdout.trim()).toBe(installedManifest().version)
  })

  it('explains FLOOD_WAIT_30', async () => {
    const run = await runInConsumer(bin(), ['explain', 'FLOOD_WAIT_30'])
    expect(run.code, transcript(run)).toBe(0)
    expect(run.stdout).toMatch(/FLOOD_WAIT/)
    expect(run.stdout).toMatch(/\b30\b/)
  })

  it('lists the 420 entries', async () => {
    const run = await runInConsumer(bin(), ['list', '--code', '420'])
    expect(run.code, transcript(run)).toBe(0)
    expect(run.stdout).toMatch(/FLOOD_WAIT/)
    expect(run.stdout).not.toMatch(/PHONE_NUMBER_INVALID/)
  })

  it('decodes an rpc_result carrying an rpc_error', async () => {
    const run = await runInConsumer(bin(), ['decode', RPC_RESULT_WITH_FLOOD_WAIT])
    expect(run.code, transcript(run)).toBe(0)
    expect(run.stdout).toMatch(/420/)
    expect(run.stdout).toMatch(/FLOOD_WAIT_30/)
  })

  it('serves the MTProto cluster to a client in another process, and reports on SIGINT', async () => {
    const child = spawn(bin(), ['serve', '--json', '--dcs', '3'], { cwd: consumerDir() })
    const stderr: string[] = []
    child.stderr.on('data', (chunk) => stderr.push(String(chunk)))
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve))
    const lines: string[] = []
    try {
      const served = JSON.parse(await firstLine(child, lines)) as { protocol: string; dcs: unknown[] }
      expect(served.protocol).toBe('mtproto')
      expect(served.dcs).toHaveLength(3)
      const login = await runNode(writeInConsumer('login.mjs', LOGIN_FROM_ANOTHER_PROCESS), [
        JSON.stringify(served),
      ])
      expect(login.code, transcript(login)).toBe(0)
      expect(login.stdout.trim()).toMatch(/^\d{10}$/)
    } catch (error) {
      throw new Error(`${String(error)}\n--- serve stderr\n${stderr.join('')}`)
    } finally {
      child.kill('SIGINT')
    }
    expect(await exit, stderr.join('')).toBe(0)
    const last = JSON.parse(lines.at(-1)!) as { report: { connections: number } }
    expect(last.report.connections).toBeGreaterThanOrEqual(1)
  })
})
