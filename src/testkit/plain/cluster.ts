import { World, type WorldOptions, type WorldStats } from '../world/index.js'
import { type ClusterGauge, type DcCounters, DcServer } from './dc-server.js'
import { resolveServerLimits, type ServerLimitStats, type ServerLimits } from './server-limits.js'
import type { TransportFaults } from './transport-faults.js'

/**
 * Options of {@link startCluster}: the world's rules plus transport faults, where to listen, and
 * what one client may hold (the {@link ServerLimits}, checked here: a bad value throws).
 */
export interface ClusterOptions extends WorldOptions, ServerLimits {
  /** Number of DCs when `dcIds` is not given (default 5, ids 1..N). */
  readonly dcCount?: number
  readonly transportFaults?: TransportFaults
  /** Loopback by default; the testkit never listens beyond the machine unless told to. */
  readonly host?: string
}

/** Where a DC listens. */
export interface DcAddress {
  readonly id: number
  readonly host: string
  readonly port: number
}

/** The server side's account of a run. */
export interface ClusterReport extends WorldStats, Readonly<ServerLimitStats> {
  readonly connections: number
  /** Connections open now, across all DCs. */
  readonly openConnections: number
  /** The most connections open at once, across all DCs. */
  readonly maxConcurrentConnections: number
  readonly requests: number
  readonly badFrames: number
  readonly transportFaults: Readonly<Record<string, number>>
}

/** A running simulated cluster. */
export interface Cluster {
  readonly dcs: readonly DcAddress[]
  /** The rules and state, for tests that add accounts or revoke sessions mid-run. */
  readonly world: World
  /** What the server side counted so far. */
  report(): ClusterReport
  /** Crashes one DC: stops listening and cuts its connections. */
  stopDc(id: number): Promise<void>
  /** Brings a stopped DC back on its old port. */
  startDc(id: number): Promise<void>
  /** Stops every DC and releases every socket and timer. */
  stop(): Promise<void>
}

function sum(counters: readonly DcCounters[], pick: (c: DcCounters) => number): number {
  return counters.reduce((total, c) => total + pick(c), 0)
}

/**
 * Starts a simulated Telegram cluster on loopback: one TCP server per DC (port 0, reported in
 * `dcs`), MTProto's intermediate transport, plain messages, real TL answers.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
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
    dcs: servers.map((server) => ({ id: server.id, host, port: server.port })),
    world,
    report() {
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
    stopDc: (id) => serverOf(id).stop(),
    startDc: (id) => serverOf(id).start(),
    async stop() {
      await Promise.all(servers.map((server) => server.stop()))
    },
  }
}
