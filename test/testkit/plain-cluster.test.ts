import { connect as connectSocket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FloodError, RpcError, SeeOtherError } from '../../src/index.js'
import {
  ConnectionError,
  connect,
  type PlainCluster,
  startPlainCluster,
} from '../../src/testkit/plain/index.js'

let cluster: PlainCluster | undefined

afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

const accounts = { alice: { homeDcId: 2, phone: '15550001' } }

describe('the plain cluster over loopback TCP', () => {
  it('starts five DCs on free ports and answers a call with a result', async () => {
    cluster = await startPlainCluster({ accounts })
    expect(cluster.dcs.map((dc) => dc.id)).toEqual([1, 2, 3, 4, 5])
    expect(new Set(cluster.dcs.map((dc) => dc.port)).size).toBe(5)
    const client = connect(cluster, { account: 'alice' })
    await expect(client.send({ method: 'users.getFullUser', dcId: 2 })).resolves.toEqual({ id: 'alice' })
    client.close()
  })

  it('answers errors with real rpc_error bytes, decoded into the typed model', async () => {
    cluster = await startPlainCluster({ accounts, transportFaults: { gzipRate: 1 } })
    const client = connect(cluster, { account: 'alice' })
    const error = await client.send({ method: 'users.getFullUser', dcId: 1 }).catch((e: unknown) => e)
    // alice is authorized on her home DC only
    expect(RpcError.is(error, 'AUTH_KEY_UNREGISTERED')).toBe(true)
    const moved = await client
      .send({ method: 'auth.sendCode', dcId: 1, params: { phone_number: '+15550001' } })
      .catch((e: unknown) => e)
    expect(moved).toBeInstanceOf(SeeOtherError)
    expect((moved as SeeOtherError).dcId).toBe(2)
    expect(cluster.report().transportFaults.gzip).toBe(2)
    client.close()
  })

  it('batches answers ready together into one msg_container without losing any', async () => {
    cluster = await startPlainCluster({
      accounts,
      floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 3, windowMs: 60_000 }],
    })
    const client = connect(cluster, { account: 'alice' })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        client.send({ method: 'messages.sendMessage', dcId: 2, params: { peer: 'bob', message: `hi ${i}` } }),
      ),
    )
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3)
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    expect(rejected).toHaveLength(5)
    for (const r of rejected) expect(r.reason).toBeInstanceOf(FloodError)
    // The four calls after the first refusal were sent before it arrived: refused, but no violation.
    expect(cluster.report()).toMatchObject({ floodViolations: 0, floodRefusedInFlight: 4 })
    // Once the refusal has reached the client, a call inside the wait is one.
    await new Promise((resolve) => setImmediate(resolve))
    await expect(
      client.send({ method: 'messages.sendMessage', dcId: 2, params: { peer: 'bob', message: 'again' } }),
    ).rejects.toBeInstanceOf(FloodError)
    expect(cluster.report().floodViolations).toBe(1)
    client.close()
  })

  it('cuts connections that send garbage, with transport error -404, and keeps serving others', async () => {
    cluster = await startPlainCluster({ accounts })
    const dc = cluster.dcs[0]!
    const received = await new Promise<Buffer>((resolve, reject) => {
      const socket = connectSocket(dc.port, dc.host, () =>
        socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n')),
      )
      const chunks: Buffer[] = []
      socket.on('data', (chunk) => chunks.push(chunk))
      socket.on('close', () => resolve(Buffer.concat(chunks)))
      socket.on('error', reject)
    })
    expect(received.readInt32LE(4)).toBe(-404)
    expect(cluster.report().badFrames).toBe(1)
    const client = connect(cluster, { account: 'alice' })
    await expect(client.send({ method: 'help.getConfig', dcId: 1 })).resolves.toMatchObject({ thisDc: 1 })
    client.close()
  })

  it('fails pending calls with a ConnectionError when a DC dies, and reconnects when it is back', async () => {
    cluster = await startPlainCluster({ accounts, transportFaults: { slowRate: 1, slowMs: 300 } })
    const running = cluster
    const client = connect(running, { account: 'alice' })
    const requestsBefore = running.report().requests
    const pending = client.send({ method: 'users.getFullUser', dcId: 2 })
    // The DC has the call (its answer is held back 300 ms) before it dies: polled, not guessed.
    await vi.waitFor(() => expect(running.report().requests).toBe(requestsBefore + 1), { interval: 5 })
    await cluster.stopDc(2)
    await expect(pending).rejects.toBeInstanceOf(ConnectionError)
    await expect(client.send({ method: 'users.getFullUser', dcId: 2 })).rejects.toBeInstanceOf(
      ConnectionError,
    )
    await cluster.startDc(2)
    await expect(client.send({ method: 'help.getConfig', dcId: 2 })).resolves.toMatchObject({ thisDc: 2 })
    client.close()
    expect(client.openConnections).toBe(0)
  })

  it('a cancelled call ends at once and leaves the connection usable', async () => {
    cluster = await startPlainCluster({ accounts, transportFaults: { slowRate: 1, slowMs: 200 } })
    const client = connect(cluster, { account: 'alice' })
    const controller = new AbortController()
    const call = client.send({ method: 'users.getFullUser', dcId: 2, signal: controller.signal })
    controller.abort(new Error('user gave up'))
    await expect(call).rejects.toThrow('user gave up')
    await expect(client.send({ method: 'users.getFullUser', dcId: 2 })).resolves.toEqual({ id: 'alice' })
    client.close()
  })

  it('tells a dropped request from a dropped answer: only the call whose answer was dropped took effect', async () => {
    for (const [transportFaults, callsTheWorldSaw] of [
      [{ dropRequestRate: 1 }, 0],
      [{ dropAnswerRate: 1 }, 1],
    ] as const) {
      const c = await startPlainCluster({ accounts, transportFaults })
      const client = connect(c)
      try {
        await expect(client.send({ method: 'help.getConfig' })).rejects.toBeInstanceOf(ConnectionError)
        expect(c.world.stats.calls).toBe(callsTheWorldSaw)
        expect(c.report()).toMatchObject({ requests: 1, calls: callsTheWorldSaw })
      } finally {
        client.close()
        await c.stop()
      }
    }
  })

  it('injects dropped connections, half-written and garbage frames as ConnectionErrors, reproducibly', async () => {
    const run = async () => {
      const c = await startPlainCluster({
        accounts,
        seed: 9,
        transportFaults: { dropAnswerRate: 0.1, halfFrameRate: 0.1, garbageRate: 0.1 },
      })
      const client = connect(c, { account: 'alice' })
      const kinds: string[] = []
      for (let i = 0; i < 60; i++) {
        const outcome = await client.send({ method: 'users.getFullUser', dcId: 2 }).then(
          () => 'ok',
          (e: unknown) => (e instanceof ConnectionError ? 'lost' : 'other'),
        )
        kinds.push(outcome)
      }
      client.close()
      const report = c.report()
      await c.stop()
      return { kinds, report }
    }
    const first = await run()
    const second = await run()
    expect(second.kinds).toEqual(first.kinds)
    expect(first.kinds).not.toContain('other')
    const lost = first.kinds.filter((k) => k === 'lost').length
    expect(lost).toBeGreaterThan(5)
    expect(lost).toBe(
      first.report.transportFaults['drop-answer']! +
        first.report.transportFaults['half-frame']! +
        first.report.transportFaults.garbage!,
    )
  })
})
