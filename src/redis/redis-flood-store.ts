import type { Redis } from 'ioredis'
import type { FloodStore } from '../flood/flood-store.js'
import { MemoryFloodStore } from '../flood/memory-flood-store.js'
import type { CalendarBooking, CalendarSlot } from '../flood/pace-calendar.js'
import type { PaceLimit, PaceRefusal, PaceSlot, SharedPace, SharedPaceRequest } from '../flood/pace-store.js'
import { checkNumber, clipText, renderValue } from '../recovery/check-option.js'
import { Emitter, type Unsubscribe } from '../recovery/events.js'
import { globalTimerHost, LongTimer, type TimerHost } from '../recovery/long-timer.js'
import { checkStoreOptions } from './check-store-options.js'
import { channelOf, isFloodKey, parseChange, parseDurationMs, scanPatternOf } from './messages.js'
import { createRedisPace, type RedisPace, type RedisPaceSlot } from './redis-pace.js'
import {
  createRedisPaceCalendar,
  type RedisCalendarSlot,
  type RedisPaceCalendar,
} from './redis-pace-calendar.js'
import { DELETE_SCRIPT, EXTEND_SCRIPT } from './scripts.js'

/** Options of {@link createRedisFloodStore}. */
export interface RedisFloodStoreOptions {
  /**
   * Your ioredis client. It is only a template: the store opens two connections of its own with
   * `redis.duplicate()` (one for writes, one subscribed to changes), so its timeouts and offline
   * policy never change how your connection behaves, and it never sends a command on yours.
   */
  readonly redis: Redis
  /**
   * Put before every key, and names the change channel, so several applications can share one
   * server. Two stores must not use prefixes where one starts with the other. Default
   * `mtproto-errors:flood:`. The flood keys themselves start with the account label.
   */
  readonly prefix?: string
  /** The longest any Redis command may take before it counts as failed, ms. Default 500. */
  readonly commandTimeoutMs?: number
  /** How soon a failed resync is tried again while the connections are up, ms. Default 1000. */
  readonly resyncRetryMs?: number
  /** Most windows held in the local mirror. Default 10,000, as `MemoryFloodStore`. */
  readonly maxKeys?: number
  /**
   * The longest window taken from Redis or written to it, ms; longer ones are cut to this and
   * reported (`invalidValue`). Anyone who can write under the prefix could otherwise hold every
   * process off for centuries. Default 30 days, longer than any flood wait Telegram is known to send.
   */
  readonly maxWindowMs?: number
  /**
   * The local clock, epoch ms. Windows that arrive from Redis (as time left) are placed on it at
   * receipt, so it must be the clock the invoker uses. Default `Date.now`, as the invoker's.
   */
  readonly now?: () => number
  /**
   * Put before every pace key (see `reserve`). Default: the prefix with a final `flood:` made
   * `pace:` (`mtproto-errors:pace:`), else `pace:` and the prefix. Must not start with `prefix`.
   */
  readonly pacePrefix?: string
}

/** Where the store stands with Redis. */
export type RedisFloodStoreState =
  /** Not synced yet since it was created. */
  | 'connecting'
  /** Subscribed, and the mirror holds every window Redis holds. */
  | 'synced'
  /** A connection is lost: the mirror serves alone, writes are kept for the resync. */
  | 'degraded'
  /** `close()` was called. */
  | 'closed'

/** Lost a connection to Redis (or could not make one at start); the local mirror serves alone. */
export interface FloodStoreDownEvent {
  /** The connection error, when one was reported. */
  readonly reason: unknown
}

/** The mirror is current again: subscribed, windows loaded from Redis, local windows written back. */
export interface FloodStoreSyncEvent {
  /** Open windows read from Redis. */
  readonly loaded: number
  /** Open windows of the mirror written back to Redis (extend-only, so a no-op where Redis knew). */
  readonly pushed: number
  /** How long the resync took, ms. */
  readonly durationMs: number
}

/** A window arrived from Redis and is now honoured locally. */
export interface FloodStoreRemoteWindowEvent {
  /** The flood key (without the prefix). */
  readonly key: string
  /** The time left in the window when Redis reported it, ms. */
  readonly remainingMs: number
  /** The end of the window on the local clock (receipt plus time left). */
  readonly endsAt: number
  /** A change message, or the resync. */
  readonly via: 'message' | 'sync'
}

/**
 * A value read from Redis was not obeyed: not a window this store could have written (a malformed
 * change message, a key without expiry or with a key too long) and ignored, or longer than
 * `maxWindowMs` and cut to it.
 */
export interface FloodStoreInvalidValueEvent {
  /** Where it came from: a change message, the resync (SCAN and PTTL), or a script's answer. */
  readonly source: 'message' | 'sync' | 'write'
  /** The flood key, when one could be read. */
  readonly key: string | undefined
  /** The value, rendered short (a long message is cut). */
  readonly value: string
  /** What the store did instead. */
  readonly action: 'ignored' | 'clamped'
}

/** A background step failed (resync, writing back a kept window). `record` failures reject instead. */
export interface FloodStoreErrorEvent {
  /**
   * Which step (`reserve`: a slot came from this process's schedule instead; `share`: a refusal did
   * not reach the fleet's shared pace).
   */
  readonly operation: 'sync' | 'write-back' | 'reserve' | 'release' | 'share'
  /** What failed. */
  readonly error: unknown
}

/** Events of a {@link RedisFloodStore}, by name. */
export interface RedisFloodStoreEvents {
  /** See {@link FloodStoreDownEvent}. */
  down: FloodStoreDownEvent
  /** See {@link FloodStoreSyncEvent}. */
  sync: FloodStoreSyncEvent
  /** See {@link FloodStoreRemoteWindowEvent}. */
  remoteWindow: FloodStoreRemoteWindowEvent
  /** See {@link FloodStoreErrorEvent}. */
  error: FloodStoreErrorEvent
  /** See {@link FloodStoreInvalidValueEvent}. */
  invalidValue: FloodStoreInvalidValueEvent
}

/** A flood store shared through Redis. Created by {@link createRedisFloodStore}. */
export interface RedisFloodStore extends FloodStore, RedisPace, RedisPaceCalendar {
  /** Where the store stands with Redis. */
  readonly state: RedisFloodStoreState
  /** Subscribes to an event (`down`, `sync`, `remoteWindow`, `error`, `invalidValue`); returns the function that unsubscribes. */
  on<K extends keyof RedisFloodStoreEvents>(
    name: K,
    listener: (event: RedisFloodStoreEvents[K]) => void,
  ): Unsubscribe
  /** Resolves `true` once synced, or `false` after `timeoutMs` (default 5000) if not. */
  whenSynced(timeoutMs?: number): Promise<boolean>
  /** Writes a window to Redis; the mirror already has it. Rejects when Redis is unreachable or slow. */
  record(key: string, endsAt: number, now: number): Promise<void> | undefined
  /** Deletes a window everywhere. */
  delete(key: string): Promise<void>
  /** Deletes every window under the prefix, everywhere. */
  clear(): Promise<void>
  /** Closes the store's two connections (not yours). The mirror stays readable. */
  close(): Promise<void>
}

/** A write or delete could not reach Redis; the window is kept locally and written back on resync. */
export class FloodStoreUnavailableError extends Error {
  /** The flood key concerned. */
  readonly key: string

  /** Builds the error for `key`, with what failed as the `cause`. */
  constructor(key: string, cause?: unknown) {
    super(
      `flood store: Redis did not take the window of ${key}; it is kept locally and written back on resync`,
      cause === undefined ? undefined : { cause },
    )
    this.key = key
  }
}
Object.defineProperty(FloodStoreUnavailableError.prototype, 'name', { value: 'FloodStoreUnavailableError' })

const DEFAULT_PREFIX = 'mtproto-errors:flood:'
const DEFAULT_COMMAND_TIMEOUT_MS = 500
const DEFAULT_RESYNC_RETRY_MS = 1000
const DEFAULT_MAX_WINDOW_MS = 30 * 86_400_000
/**
 * How long ioredis waits, on `disconnect()`, for a socket to close before destroying it. It arms
 * that timer even for a socket that is already closed (Redis never reachable), and the default
 * 2 s then holds the process after `close()`. `close()` drops the connections without waiting
 * anyway, so nothing is lost by not waiting here either.
 */
const DISCONNECT_TIMEOUT_MS = 0
/** Keys asked per SCAN step, and windows written back per batch. */
const BATCH = 500

/** The global timer, `unref`'d: for background work that must not keep the process alive. */
const unrefTimerHost: TimerHost = {
  ...globalTimerHost,
  set: (callback, ms) => {
    const timer = globalTimerHost.set(callback, ms) as { unref?: () => void }
    timer.unref?.()
    return timer
  },
}

/** The scripts, as ioredis's `defineCommand` adds them (EVALSHA, with EVAL after a server restart). */
interface ScriptedRedis extends Redis {
  mtproto_flood_extend(
    key: string,
    ms: number,
    channel: string,
    floodKey: string,
    endAt: string,
  ): Promise<number>
  mtproto_flood_delete(key: string, channel: string, floodKey: string): Promise<number>
}

/**
 * Creates a flood store shared through Redis, for `createInvoker({ floodStore })`. The happy path
 * costs no round trip: `get` and `size` read a local mirror that a subscription keeps current;
 * `record` updates the mirror at once and writes through with an extend-only script. When Redis is
 * down or slow nothing waits on it: writes fail fast (the engine emits `storeError`), the mirror
 * keeps every window, and on reconnect the store subscribes, loads Redis's windows and writes its
 * own back.
 *
 * ```ts
 * const floodStore = createRedisFloodStore({ redis: new Redis(url), prefix: 'myapp:flood:' })
 * await floodStore.whenSynced()
 * const invoke = createInvoker({ send, account: 'alice', floodStore })
 * ```
 */
export function createRedisFloodStore(options: RedisFloodStoreOptions): RedisFloodStore {
  return new SharedFloodStore(options)
}

/** The default pace prefix: beside the flood keys, never under them (the resync scans those). */
function pacePrefixOf(prefix: string): string {
  return prefix.endsWith('flood:') ? `${prefix.slice(0, -'flood:'.length)}pace:` : `pace:${prefix}`
}

class SharedFloodStore implements RedisFloodStore {
  private readonly events = new Emitter<RedisFloodStoreEvents>()
  private readonly mirror: MemoryFloodStore
  private readonly prefix: string
  private readonly channel: string
  private readonly now: () => number
  private readonly resyncRetryMs: number
  private readonly maxWindowMs: number
  private readonly commandTimeoutMs: number
  /**
   * This server's clock minus ours (`performance.now()`, monotonic), measured at each resync; lets a
   * write say by when, on the server's clock, it must have run. `undefined` until measured.
   */
  private serverOffsetMs: number | undefined = undefined
  private readonly writer: ScriptedRedis
  private readonly subscriber: Redis
  /** Keys whose last write did not reach Redis while the connection stayed up (a slow server). */
  private readonly unwritten = new Set<string>()
  private current: RedisFloodStoreState = 'connecting'
  private writerReady = false
  private subscribed = false
  private syncing = false
  /** Bumped on every lost connection, so a resync that straddles one is not taken for current. */
  private epoch = 0
  private retryTimer: LongTimer | undefined = undefined
  private lastError: unknown = undefined
  private readonly waiters = new Set<() => void>()
  private readonly pace: RedisPace
  private readonly calendar: RedisPaceCalendar

  constructor(options: RedisFloodStoreOptions) {
    checkStoreOptions(options)
    this.prefix = options.prefix ?? DEFAULT_PREFIX
    this.channel = channelOf(this.prefix)
    this.now = options.now ?? Date.now
    this.resyncRetryMs = options.resyncRetryMs ?? DEFAULT_RESYNC_RETRY_MS
    this.maxWindowMs = options.maxWindowMs ?? DEFAULT_MAX_WINDOW_MS
    this.mirror = new MemoryFloodStore(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys })
    const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
    this.commandTimeoutMs = commandTimeout
    // Writes fail at once while disconnected rather than queue: a queued write would run late and
    // stretch the window by the outage. The mirror keeps the window and the resync writes it back.
    this.writer = options.redis.duplicate({
      lazyConnect: false,
      keyPrefix: '',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    }) as ScriptedRedis
    this.writer.defineCommand('mtproto_flood_extend', { numberOfKeys: 1, lua: EXTEND_SCRIPT })
    this.writer.defineCommand('mtproto_flood_delete', { numberOfKeys: 1, lua: DELETE_SCRIPT })
    // We subscribe again ourselves on every 'ready', then resync: that order loses no message.
    this.subscriber = options.redis.duplicate({
      lazyConnect: false,
      keyPrefix: '',
      autoResubscribe: false,
      commandTimeout,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    })
    const paceHost = {
      redis: this.writer,
      prefix: options.pacePrefix ?? pacePrefixOf(this.prefix),
      isReady: () => this.writerReady && this.current !== 'closed',
      onError: (operation: 'reserve' | 'release' | 'share', error: unknown) =>
        this.events.emit('error', { operation, error }),
    }
    this.pace = createRedisPace(paceHost)
    this.calendar = createRedisPaceCalendar(paceHost)
    this.watch()
  }

  reserve(limits: readonly PaceLimit[], now: number): Promise<RedisPaceSlot> {
    return this.pace.reserve(limits, now)
  }

  release(limits: readonly PaceLimit[], slot: PaceSlot, now: number): Promise<void> {
    return this.pace.release(limits, slot, now)
  }

  shareRefusal(
    key: string,
    request: SharedPaceRequest,
    refusal: PaceRefusal,
    now: number,
  ): Promise<SharedPace | undefined> {
    return this.pace.shareRefusal(key, request, refusal, now)
  }

  reserveOnCalendar(booking: CalendarBooking, now: number): Promise<RedisCalendarSlot> {
    return this.calendar.reserveOnCalendar(booking, now)
  }

  releaseOnCalendar(slot: CalendarSlot, now: number): Promise<void> {
    return this.calendar.releaseOnCalendar(slot, now)
  }

  get size(): number {
    return this.mirror.size
  }

  get state(): RedisFloodStoreState {
    return this.current
  }

  on<K extends keyof RedisFloodStoreEvents>(
    name: K,
    listener: (event: RedisFloodStoreEvents[K]) => void,
  ): Unsubscribe {
    return this.events.on(name, listener)
  }

  get(key: string, now: number): number | undefined {
    return this.mirror.get(key, now)
  }

  open(now: number): Iterable<[string, number]> {
    return this.mirror.open(now)
  }

  record(key: string, endsAt: number, now: number): Promise<void> | undefined {
    this.mirror.record(key, endsAt, now)
    const ms = Math.min(Math.ceil(endsAt - now), this.maxWindowMs)
    if (!(ms > 0) || this.current === 'closed') return undefined
    if (!this.writerReady) return Promise.reject(new FloodStoreUnavailableError(key, this.lastError))
    return this.extend(key, ms).then(
      () => {
        this.unwritten.delete(key)
        if (this.unwritten.size > 0) this.writeBackUnwritten()
      },
      (error: unknown) => {
        this.unwritten.add(key)
        throw new FloodStoreUnavailableError(key, error)
      },
    )
  }

  async delete(key: string): Promise<void> {
    this.mirror.delete(key)
    this.unwritten.delete(key)
    try {
      await this.writer.mtproto_flood_delete(this.prefix + key, this.channel, key)
    } catch (error) {
      throw new FloodStoreUnavailableError(key, error)
    }
  }

  async clear(): Promise<void> {
    this.mirror.clear()
    this.unwritten.clear()
    try {
      await this.scan(async (keys) => {
        await this.writer.del(...keys)
      })
      await this.writer.publish(this.channel, 'clear')
    } catch (error) {
      throw new FloodStoreUnavailableError('*', error)
    }
  }

  whenSynced(timeoutMs = 5000): Promise<boolean> {
    try {
      checkNumber('whenSynced', 'timeoutMs', timeoutMs, { min: 0 })
    } catch (error) {
      return Promise.reject(error)
    }
    if (this.current === 'synced') return Promise.resolve(true)
    if (this.current === 'closed') return Promise.resolve(false)
    return new Promise((resolve) => {
      const done = (synced: boolean) => {
        timer.cancel()
        this.waiters.delete(wake)
        resolve(synced)
      }
      const wake = () => done(this.current === 'synced')
      const timer = new LongTimer(globalTimerHost, () => done(false), timeoutMs)
      this.waiters.add(wake)
    })
  }

  async close(): Promise<void> {
    if (this.current === 'closed') return
    this.current = 'closed'
    this.retryTimer?.cancel()
    this.retryTimer = undefined
    for (const wake of [...this.waiters]) wake()
    // disconnect() rather than quit(): quit waits for a server that may be the thing that is down.
    this.writer.disconnect()
    this.subscriber.disconnect()
  }

  /** Follows both connections: lost ones degrade the store, a ready pair triggers a resync. */
  private watch(): void {
    const { writer, subscriber } = this
    // ioredis reports connection errors as events; without a listener it prints them itself.
    const remember = (error: unknown) => {
      this.lastError = error
    }
    writer.on('error', remember)
    subscriber.on('error', remember)
    writer.on('ready', () => {
      this.writerReady = true
      this.maybeSync()
    })
    writer.on('close', () => {
      this.writerReady = false
      this.lost()
    })
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          this.subscribed = true
          this.maybeSync()
        },
        (error: unknown) => {
          // A subscription that did not take leaves the mirror blind: start over on a new connection.
          this.lastError = error
          if (this.current !== 'closed') subscriber.disconnect(true)
        },
      )
    })
    subscriber.on('close', () => {
      this.subscribed = false
      this.lost()
    })
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.apply(message)
    })
  }

  private lost(): void {
    this.epoch++
    if (this.current !== 'synced' && this.current !== 'connecting') return
    this.current = 'degraded'
    this.events.emit('down', { reason: this.lastError })
  }

  private apply(message: string): void {
    const change = parseChange(message)
    if (change === undefined) {
      this.reject('message', undefined, message, 'ignored')
      return
    }
    switch (change.kind) {
      case 'set':
        this.learn(change.key, change.remainingMs, 'message', 'message')
        return
      case 'del':
        this.mirror.delete(change.key)
        this.unwritten.delete(change.key)
        return
      case 'clear':
        this.mirror.clear()
        this.unwritten.clear()
        return
    }
  }

  /**
   * Places a window Redis reported as time left on the local clock at receipt. The time the message
   * spent in transit is added to the window rather than taken from it, so a process may honour a
   * window a little longer than Redis holds it, never shorter.
   */
  private learn(
    key: string,
    reportedMs: number,
    via: 'message' | 'sync',
    source: FloodStoreInvalidValueEvent['source'],
  ): void {
    let remainingMs = reportedMs
    if (remainingMs > this.maxWindowMs) {
      this.reject(source, key, String(reportedMs), 'clamped')
      remainingMs = this.maxWindowMs
    }
    const now = this.now()
    const endsAt = now + remainingMs
    this.mirror.record(key, endsAt, now)
    if (this.events.has('remoteWindow')) this.events.emit('remoteWindow', { key, remainingMs, endsAt, via })
  }

  /** Reports a value from Redis that was not obeyed as it stood. */
  private reject(
    source: FloodStoreInvalidValueEvent['source'],
    key: string | undefined,
    value: unknown,
    action: FloodStoreInvalidValueEvent['action'],
  ): void {
    if (this.events.has('invalidValue')) {
      this.events.emit('invalidValue', {
        source,
        key: key === undefined ? undefined : clipText(key),
        value: renderValue(value),
        action,
      })
    }
  }

  private async extend(key: string, ms: number): Promise<void> {
    const want = Math.min(ms, this.maxWindowMs)
    const offset = this.serverOffsetMs
    const endAt =
      offset === undefined
        ? ''
        : String(Math.round(performance.now() + offset + want + this.commandTimeoutMs))
    const reply: unknown = await this.writer.mtproto_flood_extend(
      this.prefix + key,
      want,
      this.channel,
      key,
      endAt,
    )
    // 0: the write ran after its window ended (a paused server), and was dropped there.
    if (reply === 0) return
    const held = parseDurationMs(reply)
    if (held === undefined) this.reject('write', key, reply, 'ignored')
    // Redis held a longer window than this process knew of (a change message it missed).
    else if (held > want) this.learn(key, held, 'sync', 'write')
  }

  /**
   * Measures the server's clock against ours (half the round trip either side), for the writes'
   * deadline. A reply that is not two numbers leaves the writes without one, as before the first.
   */
  private async measureServerClock(): Promise<void> {
    try {
      const before = performance.now()
      const [seconds, micros] = (await this.writer.time()) as unknown[]
      const after = performance.now()
      const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
      this.serverOffsetMs = Number.isFinite(serverMs) ? serverMs - (before + after) / 2 : undefined
    } catch {
      // A server that refuses TIME (renamed by its operator) still syncs; writes then go without
      // a deadline, as before the first measure. A lost connection fails the SCAN that follows.
      this.serverOffsetMs = undefined
    }
  }

  private maybeSync(): void {
    if (this.syncing || this.current === 'closed' || this.current === 'synced') return
    if (!this.writerReady || !this.subscribed) return
    this.syncing = true
    const epoch = this.epoch
    const started = this.now()
    this.sync().then(
      ({ loaded, pushed }) => {
        this.syncing = false
        if (epoch !== this.epoch || this.current === 'closed') return this.maybeSync()
        this.current = 'synced'
        this.events.emit('sync', { loaded, pushed, durationMs: this.now() - started })
        this.wakeWaiters()
      },
      (error: unknown) => {
        this.syncing = false
        if (this.current === 'closed') return
        this.events.emit('error', { operation: 'sync', error })
        // The connections may well be up (a slow server): try again soon, without keeping the
        // process alive for it; the connections themselves decide that.
        this.retryTimer = new LongTimer(
          unrefTimerHost,
          () => {
            this.retryTimer = undefined
            this.maybeSync()
          },
          this.resyncRetryMs,
        )
      },
    )
  }

  /**
   * Loads every window Redis holds into the mirror, then writes the mirror's open windows back:
   * those recorded while Redis was unreachable, and all of them after a restart that emptied
   * Redis. Writing back is extend-only, so where Redis already knew it changes nothing.
   */
  private async sync(): Promise<{ loaded: number; pushed: number }> {
    await this.measureServerClock()
    let loaded = 0
    await this.scan(async (keys) => {
      const pipeline = this.writer.pipeline()
      for (const key of keys) pipeline.pttl(key)
      const replies = (await pipeline.exec()) ?? []
      keys.forEach((fullKey, i) => {
        const ttl = replies[i]?.[1]
        const key = fullKey.slice(this.prefix.length)
        // -2 or 0: gone since SCAN saw it. Anything else that is not a time left (-1: a key without
        // expiry, which we never write) would be a window for ever: not ours, not obeyed.
        if (ttl === -2 || ttl === 0) return
        const remainingMs = parseDurationMs(ttl)
        if (remainingMs === undefined || !isFloodKey(key)) {
          this.reject('sync', key, ttl, 'ignored')
          return
        }
        this.learn(key, remainingMs, 'sync', 'sync')
        loaded++
      })
    })
    const now = this.now()
    const open = [...this.mirror.open(now)]
    for (let i = 0; i < open.length; i += BATCH) {
      const batch = open.slice(i, i + BATCH)
      await Promise.all(batch.map(([key, endsAt]) => this.extend(key, Math.ceil(endsAt - now))))
    }
    this.unwritten.clear()
    return { loaded, pushed: open.length }
  }

  private async scan(onKeys: (keys: string[]) => Promise<void>): Promise<void> {
    const pattern = scanPatternOf(this.prefix)
    let cursor = '0'
    do {
      const [next, keys] = await this.writer.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH)
      cursor = next
      if (keys.length > 0) await onKeys(keys)
    } while (cursor !== '0')
  }

  /** Retries writes that timed out on a connection that stayed up, once the server answers again. */
  private writeBackUnwritten(): void {
    const now = this.now()
    for (const key of [...this.unwritten]) {
      this.unwritten.delete(key)
      const until = this.mirror.get(key, now)
      if (until === undefined) continue
      this.extend(key, Math.ceil(until - now)).catch((error: unknown) => {
        this.unwritten.add(key)
        this.events.emit('error', { operation: 'write-back', error })
      })
    }
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake()
  }
}
