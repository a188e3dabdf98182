import type { ClientReceipt, FloodRule } from './flood-limiter.js'

/** One call as the simulated server sees it, whatever protocol carried it. */
export interface WorldCall {
  /** The DC that received the call. */
  readonly dcId: number
  /** The account the connection is logged in as, if the client says or the key is bound. */
  readonly account: string | undefined
  /** TL method name, such as `messages.sendMessage`. */
  readonly method: string
  /** The call's parameters, with the TL schema's snake_case names. */
  readonly params: Readonly<Record<string, unknown>>
  /**
   * What the client had received when it sent the call, so a call sent before a flood refusal
   * reached it is not counted as a violation. Without it the client is taken to know every refusal.
   */
  readonly receipt?: ClientReceipt
}

/** What the world answers: a plain result value or an rpc_error. */
export type WorldOutcome =
  | { readonly kind: 'ok'; readonly value: unknown }
  | {
      readonly kind: 'error'
      readonly code: number
      readonly message: string
      /** For flood refusals: the limiter's key, to pass to `World.noticeDelivered` once delivered. */
      readonly floodKey?: string
    }

/** An account of the simulated world. */
export interface AccountSpec {
  /** The DC the account lives on: calls elsewhere get USER_MIGRATE_X. */
  readonly homeDcId: number
  /** Phone number (digits); `auth.sendCode` on another DC gets PHONE_MIGRATE_X. */
  readonly phone?: string
  /** DCs where the account starts authorized; its home DC by default. */
  readonly authorizedOn?: readonly number[]
  /** The login code this account's phone accepts, instead of the world's `loginCode`. */
  readonly loginCode?: string
  /** For bots: the token `auth.importBotAuthorization` signs in with. */
  readonly botToken?: string
}

/** Server-side failures injected at random, each a probability per call in [0, 1]. */
export interface RpcFaults {
  /** 500 INTERNAL_SERVER_ERROR. */
  readonly internalErrorRate?: number
  /** -503 Timeout. */
  readonly timeoutRate?: number
  /** 500 WORKER_BUSY_TOO_LONG_RETRY. */
  readonly workerBusyRate?: number
  /**
   * Rates for single methods, in place of the ones above: a service having a bad day
   * (`{ 'stats.getBroadcastStats': { internalErrorRate: 1 } }`).
   */
  readonly byMethod?: Readonly<Record<string, Omit<RpcFaults, 'byMethod'>>>
}

/** Everything a test can configure about the simulated world. */
export interface WorldOptions {
  /** DC ids of the cluster; `[1, 2, 3, 4, 5]` by default. */
  readonly dcIds?: readonly number[]
  /** Name -> account; more can be added while the world runs (`World.addAccount`). */
  readonly accounts?: Readonly<Record<string, AccountSpec>>
  /** File location -> the DC that stores it (FILE_MIGRATE_X elsewhere). */
  readonly files?: Readonly<Record<string, number>>
  /** Channel -> the DC that serves its statistics (STATS_MIGRATE_X elsewhere). */
  readonly statsDcs?: Readonly<Record<string, number>>
  /** DC -> the DC that `auth.sendCode` from there is sent on to (NETWORK_MIGRATE_X). */
  readonly networkMigrations?: Readonly<Record<number, number>>
  /** The flood limits; {@link DEFAULT_FLOOD_RULES} by default, `[]` for none. */
  readonly floodRules?: readonly FloodRule[]
  /** Seeded server-side failures. */
  readonly faults?: RpcFaults
  /** Seed of every random decision, so a run can be repeated exactly. */
  readonly seed?: number
  /** The server's clock in ms; `Date.now` by default. */
  readonly now?: () => number
  /** The login code every phone accepts (`12345` by default). */
  readonly loginCode?: string
}

/** Counters of what the world did, for the server-side report. */
export interface WorldStats {
  /** Calls the world answered. */
  calls: number
  /** Of them, answered with a result. */
  ok: number
  /** Errors answered, by type with digits folded to X (`FLOOD_WAIT_X`). */
  errorsByType: Record<string, number>
  /** Calls sent inside an open wait by a client that had seen it (see `receipt`). */
  floodViolations: number
  /**
   * Calls that arrived inside an open wait at all, whatever their client had seen: the strict
   * reading, the one a protocol without receipts gets.
   */
  floodViolationsStrict: number
  /** Calls refused inside an open wait their client had not received yet: not violations. */
  floodRefusedInFlight: number
  /** 303s answered. */
  migrations: number
  /** Faults injected from `faults`. */
  injectedFaults: number
}

/** A call sent inside a flood wait its client had seen: one of {@link WorldStats.floodViolations}. */
export interface FloodViolation {
  readonly account: string | undefined
  readonly method: string
  /** The DC it arrived at. */
  readonly dcId: number
  /** When it arrived, by the world's clock (epoch ms). */
  readonly receivedAt: number
}

/**
 * The default flood rules, for both clusters: two ordinary limits and a slow-mode chat, enough for a
 * realistic run.
 */
export const DEFAULT_FLOOD_RULES: readonly FloodRule[] = [
  { method: 'messages.sendMessage', scope: 'peer', maxCalls: 5, windowMs: 2000 },
  { method: 'contacts.resolveUsername', scope: 'account', maxCalls: 10, windowMs: 5000 },
  { method: 'channels.sendSlowMessage', scope: 'peer', maxCalls: 1, windowMs: 3000, error: 'SLOWMODE_WAIT' },
]
