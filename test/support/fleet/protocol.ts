import type { DcAddress } from '../../../src/testkit/cluster.js'

/** What a fleet worker is told at start (JSON in argv[2]). */
export interface FleetWorkerConfig {
  /** 0-based position in the fleet; sets the worker's slots. */
  readonly index: number
  /** Workers in the fleet. */
  readonly workers: number
  /** The cluster's DCs. */
  readonly dcs: readonly DcAddress[]
  /** The account every worker acts as. */
  readonly account: string
  /** Its home DC. */
  readonly homeDcId: number
  /** The method of the workload. */
  readonly method: string
  /** The Redis server, for the shared store; absent for per-process memory stores. */
  readonly redisPort?: number
  /** Prefix of the shared store. */
  readonly prefix: string
}

/** The start signal: everyone starts at the same instant, on slots `periodMs` apart. */
export interface FleetGo {
  readonly type: 'go'
  readonly startAt: number
  readonly durationMs: number
  readonly periodMs: number
}

/** What a worker counted. */
export interface FleetWorkerResult {
  readonly index: number
  calls: number
  ok: number
  failed: number
  /** FLOOD_WAITs the server sent this worker. */
  floodWaitsReceived: number
  /** Calls held or refused locally because of an open window. */
  heldLocally: number
  /** Writes to the shared store that failed. */
  storeErrors: number
}
