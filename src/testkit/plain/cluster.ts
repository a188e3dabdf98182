import type { Cluster, ClusterOptions, ClusterReport } from '../cluster.js'
import { World, type WorldOptions } from '../world/index.js'
import { type ClusterGauge, type DcCounters, DcServer } from './dc-server.js'
import { resolveServerLimits, type ServerLimits } from './server-limits.js'
import type { PlainTransportFaults } from './transport-faults.js'

/**
 * Options of the plain cluster: the options both clusters take, the whole world's (accounts, files,
 * ...), the plain protocol's transport faults, and what one client may hold (the {@link ServerLimits},
 * checked at start: a bad value throws).
 */
export interface PlainClusterOptions extends ClusterOptions, WorldOptions, ServerLimits {
  /** `plain`, the default: MTProto's framing and TL, unencrypted messages. */
  readonly protocol?: 'plain'
  /** DC ids, in place of `dcCount`'s 1..N. */
  readonly dcIds?: readonly number[]
  /** Seeded transport faults: the two drops, and slow, half-frame, garbage and gzip-packed answers. */
  readonly transportFaults?: PlainTransportFaults
}

/** A running plain cluster: every {@link Cluster} member, and DCs that can crash and come back. */
export interface PlainCluster extends Cluster {
  readonly protocol: 'plain'
  /** Crashes one DC: stops listening and cuts its connections. */
  stopDc(id: number): Promise<void>
  /** Brings a stopped DC back on its old port. */
  startDc(id: number): Promise<void>
}

function sum(counters: readonly DcCounters[], pick: (c: DcCounters) => number): number {
  return counters.reduce((total, c) => total + pick(c), 0)
}

/**
 * Starts the plain cluster on loopback: one TCP server per DC (port 0, reported in `dcs`),
 * MTProto's intermediate transport, plain messages, real TL answers.
 */
export async function startPlainCluster(
  options: Omit<PlainClusterOptions, 'protocol'> = {},
): Promise<PlainCluster> {
  const limits = resolveServerLimits(options)
  const dcIds = options.dcIds ?? Array.from({ length: options.dcCount ?? 5 }, (_, i) => i + 1)
  const world = new World({ ...options, dcIds })
  const host = options.host ?? '127.0.0.1'
  const gauge: ClusterGauge = { open: 0, max: 0, bufferedBytes: 0, peakBufferedBytes: 0 }
  const servers = dcIds.map(
    (id) => new DcServer(id, world, options.transportFaults ?? {}, host, gauge, limits),
  )
  try {
    await Promise.all(servers.map((server) => server.start(0)))
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()))
    throw error
  }
  const serverOf = (id: number): DcServer => {
    const server = servers.find((s) => s.id === id)
    if (!server) throw new RangeError(`no DC ${id} in this cluster`)
    return server
  }
  return {
    protocol: 'plain',
    dcs: servers.map((server) => ({ id: server.id, host, port: server.port })),
    world,
    report(): ClusterReport {
      const counters = servers.map((s) => s.counters)
      const transportFaults: Record<string, number> = {}
      for (const c of counters) {
        for (const [kind, count] of Object.entries(c.faults))
          transportFaults[kind] = (transportFaults[kind] ?? 0) + count
      }
      return {
        ...structuredClone(world.stats),
        connections: sum(counters, (c) => c.connections),
        openConnections: gauge.open,
        maxConcurrentConnections: gauge.max,
        requests: sum(counters, (c) => c.requests),
        badFrames: sum(counters, (c) => c.badFrames),
        connectionsRefused: sum(counters, (c) => c.connectionsRefused),
        idleTimeouts: sum(counters, (c) => c.idleTimeouts),
        partialFrameTimeouts: sum(counters, (c) => c.partialFrameTimeouts),
        bufferRefusals: sum(counters, (c) => c.bufferRefusals),
        bufferedBytes: gauge.bufferedBytes,
        peakBufferedBytes: gauge.peakBufferedBytes,
        transportFaults,
      }
    },
    dropConnections() {
      for (const server of servers) server.dropConnections()
    },
    stopDc: (id) => serverOf(id).stop(),
    startDc: (id) => serverOf(id).start(),
    async stop() {
      await Promise.all(servers.map((server) => server.stop()))
    },
  }
}
