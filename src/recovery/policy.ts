import type { FloodError, MigrateKind, RpcError } from '../error/rpc-error.js'
import type { FloodKeyCall, FloodKeyScope } from '../flood/flood-key.js'
import type { FloodStore } from '../flood/flood-store.js'
import type { AttemptRecord } from './attempt.js'
import type { CallInfo, CallLimits, CallOptions } from './call-options.js'
import type { Clock } from './clock.js'
import type { EventSink, RecoveryEvents } from './events.js'
import type { Failure } from './failure.js'
import type { RecoveryHooks } from './hooks.js'
import type { ErrorKnowledge } from './knowledge.js'
import type { PacingSnapshot } from './pacing-service.js'
import type { FailureNotes } from './recovery-details.js'

// The policy contract: everything a policy may see or do. The built-in policies use nothing else,
// so a policy written by a user can do whatever ours do. Nothing here names the engine's classes;
// the engine implements these interfaces, and this file imports no runtime code of the engine.

/** Repeat the call now (the policy has already waited, moved or repaired what it had to). */
export const RETRY = 'retry'
/** Not this policy's business: ask the next one. Returning `undefined` means the same. */
export const PASS = 'pass'
/** Give the failure to the caller now; no later policy is asked. */
export const STOP = 'stop'

/** What a policy decided about a failure. `{ stop: failure }` ends the call with another failure. */
export type Decision = typeof RETRY | typeof PASS | typeof STOP | { readonly stop: Failure }

/** Ends the call with `failure` instead of the one being handled (e.g. the failure of a hook). */
export function stopWith(failure: Failure): Decision {
  return { stop: failure }
}

/**
 * One concern of recovery, as a small object the engine consults, in chain order:
 * - `beforeSend` before every send (the first and each repeat): return nothing to go on, or a
 *   failure to end the call without sending. May wait (return a promise); the synchronous answer
 *   is the fast path.
 * - `onFailure` after each failed send, until one policy returns something other than `PASS`.
 * - `onSuccess` after the successful send.
 *
 * Why objects and not `(ctx, next)` middleware: six nested async layers cost about 0.6 µs per call
 * on the happy path (measured), more than the whole engine is allowed; here a successful call pays
 * one `await`, and a policy without `beforeSend` / `onSuccess` costs nothing at all on it.
 */
export interface Policy {
  /** Identifies the policy in `defaultPolicies()` and in per-call `handle` switches. */
  readonly name: string
  /** Runs before every send; returns a failure to end the call without sending. */
  beforeSend?(call: CallContext): Failure | undefined | PromiseLike<Failure | undefined>
  /** Decides what to do about a failed send. */
  onFailure?(call: CallContext, failure: Failure): Decision | undefined | PromiseLike<Decision | undefined>
  /** Observes a successful send (e.g. to close a circuit breaker). Must not throw. */
  onSuccess?(call: CallContext, value: unknown): void
}

/** How an awaited piece of work ended: a value or an error, as data. */
export type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown }

/** A flood window that covers a call. */
export interface OpenWindow {
  /** The flood key it was recorded under. */
  readonly key: string
  /** The scope that key was built for (what the window counts against). */
  readonly scope: FloodKeyScope
  /** When it ends, epoch ms. */
  readonly endsAt: number
}

/**
 * What every call of one invoker shares, as policies see it: clock, events, the flood store and
 * keys, the home DC and the application's hooks. One object per invoker, so reading it costs a
 * policy nothing per call; it holds no per-call state, so one policy object can serve every call
 * and every invoker.
 */
export interface InvokerContext {
  /** The account label, part of every flood key. */
  readonly account: string
  /** The invoker's clock: every time a policy reads or waits for comes from here. */
  readonly clock: Clock
  /** Random numbers in [0, 1), for jitter. */
  readonly random: () => number
  /** The invoker's typed events. */
  readonly events: EventSink<RecoveryEvents>
  /** The account's home DC, when known. */
  readonly homeDcId: number | undefined
  /**
   * Whether a login is known to hold on this account: from the invoker's `authorized` option, or set
   * by the auth policy when a call proves a login (and cleared by `auth.logOut`). Before it holds, a
   * 401 on home means "not logged in yet", not a dead session.
   */
  authorized: boolean
  /** DCs a redirect may go to. */
  readonly knownDcIds: ReadonlySet<number>
  /** The application's hooks (`authorizeOn`, `reuploadFilePart`, ...), as given to the invoker. */
  readonly hooks: RecoveryHooks
  /** The shortest flood wait honoured, ms (so FLOOD_WAIT_0 is a pause, not a busy loop). */
  readonly minFloodWaitMs: number
  /** Where flood windows are kept (shared with other processes when it is the Redis store). */
  readonly floodStore: FloodStore
  /** The flood key of `call` for `scope`, as the invoker builds keys (its `floodKeyOf` option). */
  floodKeyOf(call: FloodKeyCall, scope: FloodKeyScope): string
  /** What `error`'s window is counted against: the user's choice, the catalogue's scope, else the exact call. */
  floodScopeOf(error: FloodError, call: CallInfo): FloodKeyScope
  /**
   * Records a window in the flood store. Never throws: an asynchronous store's failure becomes a
   * `storeError` event, never a call failure.
   */
  recordFlood(key: string, endsAt: number, now: number): void
  /**
   * The open flood window that would hold a call of `method` with `params`, if any: the one that
   * ends last among every scope's key.
   */
  openFloodWindow(method: string, params: unknown, now: number): OpenWindow | undefined
  /**
   * Moves the home DC to `toDcId` (taken at once, with a `homeDcChange` event) and runs
   * `onHomeDcChange` once for that move, however many calls ask at the same time.
   */
  moveHome(toDcId: number, kind: MigrateKind): Promise<unknown>
  /** Runs the `authorizeOn(dcId)` hook once at a time per DC; concurrent callers share the one in flight. */
  authorize(dcId: number): Promise<unknown>
  /** Runs the `bindTempKey(dcId)` hook once at a time per DC. */
  bindTempKey(dcId: number | undefined): Promise<unknown>
  /** What the catalogue and the built-in rules know about `error`. */
  knowledge(error: RpcError): ErrorKnowledge
  /** Pacing of this invoker: turns on paced keys, slow start, what refusals teach. */
  readonly pacing: PacingService
}

/**
 * One call as policies see it. Everything a policy waits on goes through `sleep`, `holdUntil` or
 * `settle`, so that the call's end (abort, deadline, `close()`) wakes it at once and releases what
 * it held.
 */
export interface CallContext extends CallInfo {
  /** The parameters; a repair hook may replace them before a repeat. */
  params: unknown
  /** The DC the next send goes to; the migrate policy moves it. */
  dcId: number | undefined
  /** When the call started, epoch ms of the invoker's clock. */
  readonly startedAt: number
  /** When the call's budget ends, epoch ms (`Infinity` for none). */
  readonly deadlineAt: number
  /** The limits in force for this call (invoker options merged with call options). */
  readonly limits: CallLimits
  /** The options the call was made with. */
  readonly options: CallOptions | undefined
  /** What the calls of this invoker share. */
  readonly invoker: InvokerContext
  /** Aborted when the call ends early. Created on first read. */
  readonly signal: AbortSignal
  /** Whether the call has ended; a policy that awaited something checks this before going on. */
  readonly ended: boolean
  /** Settles (never rejects) when the call ends, however it ends: to release what a policy holds for it. */
  readonly done: Promise<unknown>
  /** The failed sends so far. */
  readonly history: readonly AttemptRecord[]
  /** The failure of the last failed send, if any: what the call ends with if it gives up now. */
  readonly lastFailure: Failure | undefined
  /** Time left in the budget, ms (may be negative, or `Infinity`). */
  remainingMs(): number
  /** Whether the call lets the policy named `name` handle its errors (`handle: { flood: false }`). */
  handles(name: string): boolean
  /** Increments this call's counter `name` and returns the new value (1 the first time). */
  count(name: string): number
  /** Per-call state of a policy under `key`, made by `create` on first use. */
  slot<T>(key: symbol | object, create: () => T): T
  /** Waits `ms`; resolves `false` at once if the call ends first. */
  sleep(ms: number): Promise<boolean>
  /**
   * Holds the call on `key` until `endsAt` (epoch ms), never releasing it earlier. Calls held on
   * one key until one time share one timer, so a window that holds thousands of calls costs one
   * timer. Resolves `true` when released, `false` at once if the call ends first. The caller
   * checks again what it waited for: the window may have been extended meanwhile, by this process
   * or another sharing the store.
   */
  holdUntil(key: string, endsAt: number): Promise<boolean>
  /**
   * Waits for `work` (a promise, or a function run now, e.g. a hook) and returns how it settled, or
   * `undefined` if the call ended first. Never rejects.
   */
  settle<T>(work: PromiseLike<T> | (() => T | PromiseLike<T>)): Promise<Settled<Awaited<T>> | undefined>
  /** Attaches notes to `failure`, shown on the thrown error if the call ends with it. */
  annotate(failure: Failure, notes: FailureNotes): void
  /** What the engine and its catalogue know about `error` (the same as `invoker.knowledge`). */
  knowledge(error: RpcError): ErrorKnowledge
}

/**
 * Pacing as policies see it (one per invoker): which calls it concerns, their turns, and what a
 * refusal teaches. The flood gate and the flood policy use it; a custom chain may too.
 */
export interface PacingService {
  /** Whether pacing is on for this invoker. */
  readonly enabled: boolean
  /**
   * Whether calls of `method` may have to wait for a turn (a key of theirs is paced, or the method
   * is in slow start). Constant time: the flood gate asks it before every send.
   */
  concerns(method: string): boolean
  /** Whether `call` is paced at all: pacing on, and the call did not opt out (`pace: false`). */
  appliesTo(call: CallContext): boolean
  /**
   * Waits for the call's turn on its paced keys, or for a place in flight while its method is in
   * slow start. `true`: send now; `false`: the call ended meanwhile.
   */
  turn(call: CallContext): boolean | Promise<boolean>
  /** The send that `turn` let go has ended (`succeeded` or not); returns the place it held. */
  sent(call: CallContext, succeeded: boolean): void
  /**
   * `call` met `window`, a flood window it did not meet itself (recorded by another process on a
   * shared store, or by another call): with a pace store shared by a fleet, the key is paced here
   * from now on, so the calls it holds book slots at the fleet's pace when it ends instead of
   * leaving at once, and this process's accepted sends count as its share of the fleet's quota.
   * Nothing happens without a shared store, or when the key is paced already.
   */
  joinWindow(call: CallContext, window: OpenWindow): void
  /** A FLOOD_WAIT of `waitMs` on `key` (built for `scope`) refused `call`: learn or shrink its pace. */
  learn(call: CallContext, key: string, scope: FloodKeyScope, waitMs: number, now: number): void
  /** The paced keys and discoveries now. */
  snapshot(): PacingSnapshot
}
