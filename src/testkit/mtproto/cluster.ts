import { resolveServerLimits, type ServerLimitStats, type ServerLimits } from '../plain/server-limits.js'
import {
  createRandom,
  type RpcFaults,
  type FloodRule as WorldFloodRule,
  type WorldStats,
} from '../world/index.js'
import type { CallHandler } from './call-handler.js'
import { DcServer } from './dc-server.js'
import { DefaultWorld, type DefaultWorldOptions, type FloodRule } from './default-world.js'
import { generateServerRsaKey } from './rsa-key.js'
import { MsgIdClock } from './session.js'
import { type MtprotoStats, StatsCollector } from './stats.js'
import { TlCodec } from './tl-codec.js'
import type { DcAddress } from './world-objects.js'

/** What a handler factory learns about the cluster it serves. */
export interface MtprotoClusterInfo {
  /** Every DC with its loopback address, in id order. */
  dcs: readonly DcAddress[]
  /** The `seed` option, for handlers that randomise. */
  seed: number
}

/**
 * Options of {@link startMtprotoCluster}. The resource limits are the plain cluster's
 * ({@link ServerLimits}, same defaults, checked here) except the frame size, fixed at 2 MiB.
 */
export interface MtprotoClusterOptions extends Omit<ServerLimits, 'maxRequestBytes'> {
  /** How many DCs (ids 1..dcCount). Default 5, as Telegram's production cluster. */
  dcCount?: number
  /**
   * The world's rules: a handler, or a factory called once the DCs listen (so it can list their
   * ports in `help.getConfig`). Default: a {@link DefaultWorld}.
   */
  handler?: CallHandler | ((info: MtprotoClusterInfo) => CallHandler)
  /** Seed for the default world's contents. Default 1. */
  seed?: number
  /** The default world's flood rule (see {@link DefaultWorldOptions.flood}); ignored with a handler. */
  flood?: FloodRule | false
  /** The shared world's flood rules, as the plain cluster takes them (in place of `flood`). */
  floodRules?: readonly WorldFloodRule[]
  /** Seeded server-side failures (500, -503 Timeout, WORKER_BUSY); the plain cluster's option. */
  faults?: RpcFaults
  /**
   * Seeded faults on the way back: `dropRate` closes the connection instead of answering (the call
   * took effect, the client never hears), `silenceRate` leaves the answer out (the client must time
   * out). Applies to any handler.
   */
  transportFaults?: MtprotoTransportFaults
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string
}

/** Transport faults of the MTProto cluster, each a probability per answered call in [0, 1]. */
export interface MtprotoTransportFaults {
  /** Close the connection before the call reaches the world (the client resends it). */
  readonly dropRate?: number
  /** Never answer this call (the connection stays up). */
  readonly silenceRate?: number
}

/** The server side's account of a run: the shared rules' counters plus the transport's. */
export interface MtprotoClusterReport extends WorldStats, Readonly<ServerLimitStats> {
  /** TCP connections accepted so far. */
  readonly connections: number
  /** Connections open now. */
  readonly openConnections: number
  /** Injected transport faults by kind (`drop`, `silence`). */
  readonly transportFaults: Readonly<Record<string, number>>
  /** The protocol machinery's own counters (see {@link MtprotoCluster.stats}). */
  readonly protocol: MtprotoStats
}

/** A running simulated Telegram cluster speaking real MTProto 2.0. */
export interface MtprotoCluster {
  /** Every DC with its loopback address, in id order. */
  readonly dcs: readonly DcAddress[]
  /** The cluster's RSA public key (PKCS#1 PEM); clients must trust it (see client-options.ts). */
  readonly rsaPublicKeyPem: string
  /** The key's fingerprint as a signed 64-bit integer. */
  readonly rsaFingerprint: bigint
  /** The handler in use. */
  readonly handler: CallHandler
  /** The default world, when no handler was given. */
  readonly world: DefaultWorld | undefined
  /** A snapshot of what the protocol machinery has seen. */
  stats(): MtprotoStats
  /**
   * The same account as the plain cluster's `report()`: calls, errors by type, flood violations,
   * migrations, injected faults (zeros with a custom handler), plus connections and transport faults.
   */
  report(): MtprotoClusterReport
  /** Forgets every auth key on every DC (as after a server-side reset): clients get -404. */
  forgetAuthKeys(): void
  /** Drops every open connection on every DC; clients reconnect with their keys. */
  dropConnections(): void
  /** Stops every DC and closes every connection. */
  stop(): Promise<void>
}

/**
 * Starts a cluster of DCs on loopback, each its own TCP listener on an ephemeral port, sharing a
 * freshly generated RSA key. Unmodified GramJS and mtcute clients connect to it with the options
 * from client-options.ts.
 */
export async function startMtprotoCluster(options: MtprotoClusterOptions = {}): Promise<MtprotoCluster> {
  const dcCount = options.dcCount ?? 5
  const host = options.host ?? '127.0.0.1'
  const seed = options.seed ?? 1
  const limits = resolveServerLimits(options, 'startMtprotoCluster')
  if (!Number.isInteger(dcCount) || dcCount < 1 || dcCount > 100)
    throw new RangeError('dcCount must be 1..100')

  const codec = TlCodec.shared()
  const rsa = generateServerRsaKey()
  const stats = new StatsCollector()
  const clock = new MsgIdClock()
  let handler: CallHandler | undefined
  // Connections can only arrive once listening, and the handler is set right after, but a
  // forwarding handler keeps the DCs independent of that order.
  const forward: CallHandler = {
    handle: (call) => {
      if (!handler) throw new Error('cluster is still starting')
      return handler.handle(call)
    },
    delivered: (floodKey, notice) => handler?.delivered?.(floodKey, notice),
  }

  const servers: DcServer[] = []
  const dcs: DcAddress[] = []
  try {
    for (let id = 1; id <= dcCount; id++) {
      const server = new DcServer({
        dcId: id,
        codec,
        rsa,
        handler: forward,
        keys: new Map(),
        clock,
        stats,
        idleTimeoutMs: limits.idleTimeoutMs,
        partialFrameTimeoutMs: limits.partialFrameTimeoutMs,
        maxBufferedBytes: limits.maxBufferedBytes,
        maxConnections: limits.maxConnections,
      })
      servers.push(server)
      dcs.push({ id, host, port: await server.listen(host) })
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()))
    throw error
  }

  const given = options.handler
  const world =
    given === undefined
      ? new DefaultWorld({
          dcs,
          seed,
          ...(options.flood === undefined ? {} : { flood: options.flood }),
          ...(options.floodRules === undefined ? {} : { floodRules: options.floodRules }),
          ...(options.faults === undefined ? {} : { faults: options.faults }),
        })
      : undefined
  const inner = world ?? (typeof given === 'function' ? given({ dcs, seed }) : given!)
  const faultCounts: Record<string, number> = {}
  handler = withTransportFaults(inner, options.transportFaults ?? {}, seed, faultCounts)

  let stopped: Promise<void> | undefined
  return {
    dcs,
    rsaPublicKeyPem: rsa.publicKeyPem,
    rsaFingerprint: rsa.fingerprint,
    handler: inner,
    world,
    stats: () => stats.snapshot(),
    report: () => {
      const protocol = stats.snapshot()
      return {
        ...structuredClone(world?.rules.stats ?? emptyWorldStats()),
        connections: protocol.connections.opened,
        openConnections: protocol.connections.open,
        ...protocol.limits,
        transportFaults: { ...faultCounts },
        protocol,
      }
    },
    forgetAuthKeys: () => {
      for (const server of servers) server.keys.clear()
    },
    dropConnections: () => {
      for (const server of servers) server.dropConnections()
    },
    stop: () => {
      stopped ??= Promise.all(servers.map((server) => server.close())).then(() => undefined)
      return stopped
    },
  }
}

/**
 * Wraps a handler so seeded calls are dropped or withheld. A dropped call is cut before the world
 * sees it (the connection broke on the way), so the client's resend is the first the world hears
 * of it; a withheld one (`silence`) did take effect, and only its answer is lost.
 */
function withTransportFaults(
  inner: CallHandler,
  faults: MtprotoTransportFaults,
  seed: number,
  counts: Record<string, number>,
): CallHandler {
  const drop = faults.dropRate ?? 0
  const silence = drop + (faults.silenceRate ?? 0)
  if (silence <= 0) return inner
  // Its own stream, so turning transport faults on does not change the world's other decisions.
  const random = createRandom(seed ^ 0x7f4a7c15)
  return {
    ...(inner.delivered !== undefined && { delivered: inner.delivered.bind(inner) }),
    handle: async (call) => {
      const roll = random()
      if (roll < drop) {
        counts.drop = (counts.drop ?? 0) + 1
        return { drop: 'close' }
      }
      const outcome = await inner.handle(call)
      if (roll < silence) {
        counts.silence = (counts.silence ?? 0) + 1
        return { drop: 'silence' }
      }
      return outcome
    },
  }
}

function emptyWorldStats(): WorldStats {
  return {
    calls: 0,
    ok: 0,
    errorsByType: {},
    floodViolations: 0,
    floodViolationsStrict: 0,
    floodRefusedInFlight: 0,
    migrations: 0,
    injectedFaults: 0,
  }
}
