import type { Cluster, ClusterOptions, ClusterReport, DcAddress, TransportFaults } from '../cluster.js'
import { resolveServerLimits } from '../plain/server-limits.js'
import { createRandom, World } from '../world/index.js'
import type { CallHandler } from './call-handler.js'
import { DcServer } from './dc-server.js'
import { DefaultHandler } from './default-handler.js'
import { generateServerRsaKey } from './rsa-key.js'
import { MsgIdClock } from './session.js'
import { type MtprotoStats, StatsCollector } from './stats.js'
import { TlCodec } from './tl-codec.js'

/** What a handler factory learns about the cluster it serves. */
export interface MtprotoClusterInfo {
  /** Every DC with its loopback address, in id order. */
  readonly dcs: readonly DcAddress[]
  /** The `seed` option, for handlers that randomise. */
  readonly seed: number
  /** The cluster's world (`cluster.world`), for handlers that put calls to its rules. */
  readonly world: World
}

/** Transport faults of the MTProto cluster: the two drops both clusters know, and silence. */
export interface MtprotoTransportFaults extends TransportFaults {
  /** Never answer the call, and keep the connection up: it took effect, and the client must time out. */
  readonly silenceRate?: number
}

/**
 * Options of the MTProto cluster: the options both clusters take, and the handler. The resource
 * limits are the plain cluster's (same defaults, checked at start) except the frame size, fixed at
 * 2 MiB.
 */
export interface MtprotoClusterOptions extends ClusterOptions {
  /** `mtproto`: real MTProto 2.0, for unmodified GramJS and mtcute. */
  readonly protocol: 'mtproto'
  /**
   * What answers the calls: a handler, or a factory called once the DCs listen (so it can list their
   * ports in `help.getConfig`). Default: a {@link DefaultHandler} over the cluster's world.
   */
  readonly handler?: CallHandler | ((info: MtprotoClusterInfo) => CallHandler)
  /** Seeded transport faults: the two drops, and silence. Applies to any handler. */
  readonly transportFaults?: MtprotoTransportFaults
}

/** The MTProto cluster's report: the common counters, and the protocol machinery's own. */
export interface MtprotoClusterReport extends ClusterReport {
  /** What the protocol machinery saw (the {@link MtprotoCluster.stats} snapshot). */
  readonly protocol: MtprotoStats
}

/** A running simulated Telegram cluster speaking real MTProto 2.0: every {@link Cluster} member, and its own. */
export interface MtprotoCluster extends Cluster {
  readonly protocol: 'mtproto'
  /** The cluster's RSA public key (PKCS#1 PEM); clients must trust it (`mtproto-errors/testkit/clients`). */
  readonly rsaPublicKeyPem: string
  /** The key's fingerprint as a signed 64-bit integer. */
  readonly rsaFingerprint: bigint
  /** The handler answering the calls (the one given, or the default). */
  readonly handler: CallHandler
  /** The default handler (its test files), or undefined when a `handler` was given. */
  readonly defaultHandler: DefaultHandler | undefined
  /** A snapshot of what the protocol machinery has seen. */
  stats(): MtprotoStats
  /** The common report, with the protocol's counters under `protocol`. */
  report(): MtprotoClusterReport
  /** Forgets every auth key on every DC (as after a server-side reset): clients get -404. */
  forgetAuthKeys(): void
}

/**
 * Starts the MTProto cluster: DCs on loopback, each its own TCP listener on an ephemeral port,
 * sharing a freshly generated RSA key. Called through `startCluster({ protocol: 'mtproto' })`,
 * which checks the options and loads this module on first use.
 */
export async function startMtprotoCluster(
  options: Omit<MtprotoClusterOptions, 'protocol'> = {},
): Promise<MtprotoCluster> {
  const dcCount = options.dcCount ?? 5
  const host = options.host ?? '127.0.0.1'
  const seed = options.seed ?? 1
  const limits = resolveServerLimits(options)

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

  const world = new World({
    dcIds: dcs.map((dc) => dc.id),
    seed,
    ...(options.now !== undefined && { now: options.now }),
    ...(options.floodRules !== undefined && { floodRules: options.floodRules }),
    ...(options.faults !== undefined && { faults: options.faults }),
  })
  const given = options.handler
  const defaultHandler = given === undefined ? new DefaultHandler({ world, dcs, seed }) : undefined
  const inner = defaultHandler ?? (typeof given === 'function' ? given({ dcs, seed, world }) : given!)
  const faultCounts: Record<string, number> = {}
  handler = withTransportFaults(inner, options.transportFaults ?? {}, seed, faultCounts)

  let stopped: Promise<void> | undefined
  return {
    protocol: 'mtproto',
    dcs,
    world,
    rsaPublicKeyPem: rsa.publicKeyPem,
    rsaFingerprint: rsa.fingerprint,
    handler: inner,
    defaultHandler,
    stats: () => stats.snapshot(),
    report: () => {
      const protocol = stats.snapshot()
      return {
        ...structuredClone(world.stats),
        connections: protocol.connections.opened,
        openConnections: protocol.connections.open,
        maxConcurrentConnections: protocol.connections.maxOpen,
        requests: Object.values(protocol.calls).reduce((total, n) => total + n, 0),
        badFrames: protocol.transportErrors,
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
 * Wraps a handler so seeded calls lose their request, their answer, or only their answer's
 * delivery. One roll per call, cut into bands, so each rate means what it says and a rate of 0
 * leaves the others' draws as they were.
 */
function withTransportFaults(
  inner: CallHandler,
  faults: MtprotoTransportFaults,
  seed: number,
  counts: Record<string, number>,
): CallHandler {
  const dropRequest = faults.dropRequestRate ?? 0
  const dropAnswer = dropRequest + (faults.dropAnswerRate ?? 0)
  const silence = dropAnswer + (faults.silenceRate ?? 0)
  if (silence <= 0) return inner
  // Its own stream, so turning transport faults on does not change the world's other decisions.
  const random = createRandom(seed ^ 0x7f4a7c15)
  const count = (kind: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1
  }
  return {
    ...(inner.delivered !== undefined && { delivered: inner.delivered.bind(inner) }),
    handle: async (call) => {
      const roll = random()
      if (roll < dropRequest) {
        // Cut before the world sees it: the client's resend is the first the world hears of it.
        count('drop-request')
        return { drop: 'close' }
      }
      const outcome = await inner.handle(call)
      if (roll < dropAnswer) {
        count('drop-answer')
        return { drop: 'close' }
      }
      if (roll < silence) {
        count('silence')
        return { drop: 'silence' }
      }
      return outcome
    },
  }
}
