import { connect as netConnect } from 'node:net'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  type Cluster,
  type MtprotoCluster,
  type PlainCluster,
  startCluster,
  World,
} from '../../src/testkit/index.js'

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1', () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

describe('startCluster({ protocol })', () => {
  it('starts the plain cluster by default', async () => {
    const cluster = await startCluster({ dcCount: 2 })
    expectTypeOf(cluster).toEqualTypeOf<PlainCluster>()
    try {
      expect(cluster.dcs.map((dc) => dc.id)).toEqual([1, 2])
      expect(cluster.report().calls).toBe(0)
    } finally {
      await cluster.stop()
    }
  })

  it("starts the MTProto cluster for protocol: 'mtproto', with its key and report", async () => {
    const cluster = await startCluster({ protocol: 'mtproto', dcCount: 3, seed: 5 })
    expectTypeOf(cluster).toEqualTypeOf<MtprotoCluster>()
    try {
      expect(cluster.dcs).toHaveLength(3)
      expect(cluster.dcs[0]).toMatchObject({ id: 1, host: '127.0.0.1' })
      expect(cluster.rsaPublicKeyPem).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/)
      expect(await canConnect(cluster.dcs[2]!.port)).toBe(true)
      expect(cluster.report()).toMatchObject({ calls: 0, floodViolations: 0, transportFaults: {} })
      expect(cluster.stats().connections.opened).toBeGreaterThanOrEqual(1)
    } finally {
      await cluster.stop()
    }
  })

  it('gives both protocols one shape: a World, the same report, connections that can be cut', async () => {
    const plain = await startCluster({ dcCount: 1 })
    const mtproto = await startCluster({ protocol: 'mtproto', dcCount: 1 })
    try {
      expect([plain.protocol, mtproto.protocol]).toEqual(['plain', 'mtproto'])
      const { protocol: _protocol, ...common } = mtproto.report()
      expect(Object.keys(common).sort()).toEqual(Object.keys(plain.report()).sort())
      for (const cluster of [plain, mtproto] as Cluster[]) {
        expect(cluster.world).toBeInstanceOf(World)
        expect(cluster.world.dcIds).toEqual([1])
        const socket = netConnect(cluster.dcs[0]!.port, '127.0.0.1')
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
        socket.on('error', () => {})
        await vi.waitFor(() => expect(cluster.report().openConnections).toBe(1), { timeout: 5_000 })
        cluster.dropConnections()
        await closed
        await vi.waitFor(() => expect(cluster.report().openConnections).toBe(0), { timeout: 5_000 })
        expect(cluster.report()).toMatchObject({ connections: 1, maxConcurrentConnections: 1 })
      }
    } finally {
      await Promise.all([plain.stop(), mtproto.stop()])
    }
  })
})
