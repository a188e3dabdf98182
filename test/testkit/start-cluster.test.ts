import { connect as netConnect } from 'node:net'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { type MtprotoCluster, type PlainCluster, startCluster } from '../../src/testkit/index.js'

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
})
