import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisServer, startRedisServer } from '../../src/testkit/redis-server.js'
import { burstViolation } from './pace-model.js'

const run = promisify(execFile)
const worker = fileURLToPath(new URL('./pace-worker.ts', import.meta.url))
let server: RedisServer

describe('processes sharing one redis-server', () => {
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server?.dispose()
  })

  it('send at one pace per key across the fleet, not one pace per process', async () => {
    const periodMs = 60
    const perProcess = 8
    // Start-up with tsx takes seconds on a loaded machine; every worker waits for this moment.
    const startAt = Date.now() + 8_000
    const args = [
      worker,
      String(server.port),
      'fleet:flood:',
      String(perProcess),
      String(periodMs),
      String(startAt),
    ]
    const outputs = await Promise.all(
      [1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', ...args], { timeout: 30_000 })),
    )
    const sends = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as number[])
    expect(sends).toHaveLength(3 * perProcess)
    // Slots are placed by receipt time, so the round trip's variation is the slack.
    const limit = { key: 'bot42|send', count: 1, periodMs, burst: 1 }
    expect(burstViolation(sends, limit, 25)).toBeUndefined()
    // Three processes each believing they own the key would have sent 3 at a time: 8 * 60 ms in all.
    const makespan = Math.max(...sends) - Math.min(...sends)
    expect(makespan).toBeGreaterThanOrEqual((3 * perProcess - 1) * periodMs - 25)
    // And all of it from the barrier on: the fleet overlapped, one booking after another.
    expect(Math.min(...sends)).toBeGreaterThanOrEqual(startAt)
    expect(Math.min(...sends)).toBeLessThan(startAt + 500)
  }, 60_000)
})
