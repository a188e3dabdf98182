import { randomBytes } from 'node:crypto'
import type { AuthKey } from './message-crypto.js'

/** How long one server salt is valid, and how long after that it is still accepted. */
const SALT_PERIOD_SECONDS = 3600
const SALT_GRACE_SECONDS = 1800

/** A server salt with its validity window (unix seconds), as in `future_salt`. */
export interface ServerSalt {
  salt: bigint
  validSince: number
  validUntil: number
}

/** Everything a DC keeps about one auth key. */
export class AuthKeyRecord {
  /** The account this key is logged in as on its DC. */
  account: string | undefined
  /** The layer last announced with `invokeWithLayer`. */
  layer: number | undefined
  /** The client's own description, from `initConnection`. */
  client: { apiId: number; deviceModel: string; appVersion: string } | undefined
  readonly sessions = new Map<bigint, SessionState>()
  private readonly salts: ServerSalt[]

  constructor(
    readonly authKey: AuthKey,
    firstSalt: bigint,
    /** Unix seconds after which a temporary (PFS) key is forgotten. */
    readonly expiresAt: number | undefined,
  ) {
    const now = unixNow()
    this.salts = [{ salt: firstSalt, validSince: now, validUntil: now + SALT_PERIOD_SECONDS }]
  }

  /** True if `salt` may be used now: current, or recently expired. */
  acceptsSalt(salt: bigint, now = unixNow()): boolean {
    return this.salts.some(
      (s) => s.salt === salt && s.validSince <= now && now < s.validUntil + SALT_GRACE_SECONDS,
    )
  }

  /** The salt a client should use now (sent in bad_server_salt and new_session_created). */
  currentSalt(now = unixNow()): bigint {
    return this.futureSalts(1, now)[0]!.salt
  }

  /** `count` consecutive salts starting with the current one, minting new ones as time passes. */
  futureSalts(count: number, now = unixNow()): ServerSalt[] {
    while (this.salts.length > 0 && this.salts[0]!.validUntil <= now - SALT_GRACE_SECONDS) this.salts.shift()
    let start = this.salts.findIndex((s) => s.validSince <= now && now < s.validUntil)
    if (start < 0) {
      this.salts.push({ salt: randomSalt(), validSince: now, validUntil: now + SALT_PERIOD_SECONDS })
      start = this.salts.length - 1
    }
    while (this.salts.length < start + count) {
      const last = this.salts[this.salts.length - 1]!
      this.salts.push({
        salt: randomSalt(),
        validSince: last.validUntil,
        validUntil: last.validUntil + SALT_PERIOD_SECONDS,
      })
    }
    return this.salts.slice(start, start + count)
  }

  /** The session with this id, created on first use. `created` says whether it is new. */
  session(sessionId: bigint): { session: SessionState; created: boolean } {
    const existing = this.sessions.get(sessionId)
    if (existing) return { session: existing, created: false }
    const session = new SessionState(sessionId)
    this.sessions.set(sessionId, session)
    return { session, created: true }
  }
}

/** How many client msg_ids a session remembers to drop replays. */
const REMEMBERED_MSG_IDS = 2048

/** Per-session server state: sequence numbers and the client msg_ids already seen. */
export class SessionState {
  private contentRelatedSent = 0
  private readonly seen = new Set<bigint>()

  /** The highest server msg_id the client acknowledged (msgs_ack) on this session; 0n: none. */
  ackedUpTo = 0n

  constructor(readonly id: bigint) {}

  /**
   * seq_no for the next server message: twice the number of content-related messages sent
   * before it, plus one if it is itself content-related.
   */
  nextSeqNo(contentRelated: boolean): number {
    if (!contentRelated) return this.contentRelatedSent * 2
    return this.contentRelatedSent++ * 2 + 1
  }

  /** Records a client msg_id; false if it was already seen (a replay, ignored). */
  markSeen(msgId: bigint): boolean {
    if (this.seen.has(msgId)) return false
    this.seen.add(msgId)
    if (this.seen.size > REMEMBERED_MSG_IDS) {
      const oldest = this.seen.values().next().value
      if (oldest !== undefined) this.seen.delete(oldest)
    }
    return true
  }

  /** Forgets a msg_id, so the client's resend of a call whose answer was dropped is served. */
  forget(msgId: bigint): void {
    this.seen.delete(msgId)
  }
}

/**
 * Server msg_ids: time-based (unix seconds in the high 32 bits), strictly increasing, and odd
 * (`% 4 === 1` for answers to the client, `% 4 === 3` for messages the server starts), as both
 * clients drop even or repeated ids.
 */
export class MsgIdClock {
  private last = 0n

  next(kind: 'response' | 'notification'): bigint {
    const ms = BigInt(Date.now())
    let id = ((ms / 1000n) << 32n) | (((ms % 1000n) << 32n) / 1000n)
    id = (id & ~3n) | (kind === 'response' ? 1n : 3n)
    while (id <= this.last) id += 4n
    this.last = id
    return id
  }
}

/** Unix time in whole seconds. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000)
}

function randomSalt(): bigint {
  return randomBytes(8).readBigInt64LE(0)
}
