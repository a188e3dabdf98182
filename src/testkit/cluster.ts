/**
 * What both simulated clusters share, whatever protocol they speak: where a DC listens, the options
 * both take, the report both give and the members both have. A test written against these works
 * on either cluster; the protocol's own members are on `PlainCluster` and `MtprotoCluster`.
 */
import type { ServerLimitStats, ServerLimits } from './plain/server-limits.js'
import type { FloodRule, RpcFaults, World, WorldStats } from './world/index.js'

/** Where clients reach one DC. */
export interface DcAddress {
  /** The DC's id (1..5 by default). */
  readonly id: number
  /** The interface it listens on (the cluster's `host`). */
  readonly host: string
  /** Its TCP port, picked free at start. */
  readonly port: number
}

/**
 * The two ways a transport fault loses a call, each a probability per call in [0, 1], drawn from
 * the cluster's seed. Their names say what the client cannot know: whether the call took effect.
 */
export interface TransportFaults {
  /**
   * Close the connection before the call reaches the world: it did not take effect, and a client
   * that sends it again is served once.
   */
  readonly dropRequestRate?: number
  /**
   * Close the connection instead of answering: the call took effect (a message was sent, a wait
   * started), only its answer is lost.
   */
  readonly dropAnswerRate?: number
}

/** The options both clusters take; each protocol's options add their own. */
export interface ClusterOptions extends Omit<ServerLimits, 'maxRequestBytes'> {
  /** How many DCs, ids 1..dcCount (default 5, as Telegram's production cluster). */
  readonly dcCount?: number
  /** Where to listen; loopback (`127.0.0.1`) unless told otherwise. */
  readonly host?: string
  /** Seed of every random decision (faults, ids, file bytes), so a run can be repeated (default 1). */
  readonly seed?: number
  /** The server's clock in epoch ms; `Date.now` by default. */
  readonly now?: () => number
  /** The flood limits; `DEFAULT_FLOOD_RULES` by default, `[]` for none. */
  readonly floodRules?: readonly FloodRule[]
  /** Seeded server-side failures (500, -503 Timeout, WORKER_BUSY), per method too. */
  readonly faults?: RpcFaults
  /** Seeded transport faults. */
  readonly transportFaults?: TransportFaults
}

/**
 * The server side's account of a run, the same for both clusters: the world's counters (calls,
 * errors by type, flood violations, migrations, injected faults), the resource limits' counters,
 * and the connections'.
 */
export interface ClusterReport extends WorldStats, Readonly<ServerLimitStats> {
  /** Connections accepted so far. */
  readonly connections: number
  /** Connections open now, across all DCs. */
  readonly openConnections: number
  /** The most connections open at once, across all DCs. */
  readonly maxConcurrentConnections: number
  /** API calls received, including those a transport fault cut before the world saw them. */
  readonly requests: number
  /** Connections cut with transport error -404 for input that was no valid request. */
  readonly badFrames: number
  /** Injected transport faults by kind (`drop-request`, `drop-answer`, and the protocol's own). */
  readonly transportFaults: Readonly<Record<string, number>>
}

/** A running simulated cluster, plain or MTProto. */
export interface Cluster {
  /** The protocol it speaks. */
  readonly protocol: 'plain' | 'mtproto'
  /** Every DC with its address, in id order. */
  readonly dcs: readonly DcAddress[]
  /** The rules and state every call is put to, for tests that add accounts or revoke sessions mid-run. */
  readonly world: World
  /** What the server side counted so far. */
  report(): ClusterReport
  /** Cuts every open connection on every DC; the DCs keep listening and clients reconnect. */
  dropConnections(): void
  /** Stops every DC and releases every socket and timer. */
  stop(): Promise<void>
}
