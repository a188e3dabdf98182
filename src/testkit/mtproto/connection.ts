import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { gzipSync, unzipSync } from 'node:zlib'
import { TlBinaryReader, TlBinaryWriter } from '@mtcute/tl-runtime'
import Long from 'long'
import { type LongTimer, setLongTimeout } from '../../recovery/long-timer.js'
import type { CallHandler, CallOutcome } from './call-handler.js'
import { concat, FrameCodec } from './framing.js'
import { KeyExchange } from './key-exchange.js'
import {
  type ClientMessage,
  decryptClientMessage,
  encryptServerMessage,
  makeAuthKey,
  readAuthKeyId,
} from './message-crypto.js'
import type { ServerRsaKey } from './rsa-key.js'
import { AuthKeyRecord, type MsgIdClock, type ServerSalt, type SessionState, unixNow } from './session.js'
import type { StatsCollector } from './stats.js'
import type { TlCodec, TlObject } from './tl-codec.js'
import { toLong } from './tl-maps.js'

const MSG_CONTAINER = 0x73f1f8dc
const GZIP_PACKED = 0x3072cfa1
const RPC_RESULT = 0xf35c6d01
const FUTURE_SALTS = 0xae500895

/** Results larger than this go out gzip_packed (when that is smaller), as Telegram does with its configs. */
const GZIP_THRESHOLD_BYTES = 256
/** A gzip_packed request may not inflate past this (a zip bomb would otherwise be free). */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024
/** Messages are batched into one container up to this many body bytes. */
const MAX_CONTAINER_BYTES = 256 * 1024
/** How long a connection that failed waits for the client to close before we cut it. */
const CLOSE_GRACE_MS = 2000
/** Client msg_ids may be this far behind or ahead of the server's clock (the protocol's bounds). */
const MAX_MSG_AGE_SECONDS = 300
const MAX_MSG_LEAD_SECONDS = 30

/** What every connection of one DC shares. */
export interface DcContext {
  readonly dcId: number
  readonly codec: TlCodec
  readonly rsa: ServerRsaKey
  readonly handler: CallHandler
  /** This DC's auth keys by id. */
  readonly keys: Map<bigint, AuthKeyRecord>
  readonly clock: MsgIdClock
  readonly stats: StatsCollector
  /** Connections that send nothing this long are closed (`Infinity`: never). */
  readonly idleTimeoutMs: number
  /** A frame unfinished this long closes its connection (default: never, for contexts built by hand). */
  readonly partialFrameTimeoutMs?: number
  /** Bytes of unfinished frames all connections sharing `stats` may hold (default: no bound). */
  readonly maxBufferedBytes?: number
  /** Connections all DCs sharing `stats` may have open; one more gets -429 (default: no bound). */
  readonly maxConnections?: number
}

interface Outgoing {
  record: AuthKeyRecord
  session: SessionState
  body: Uint8Array
  contentRelated: boolean
  /** Told the msg_id the body went out with (for flood refusals: what the client must ack). */
  onSent?: (msgId: bigint) => void
}

/**
 * One client TCP connection to a DC: framing, the key exchange on plain messages, and encrypted
 * MTProto 2.0 messages (salts, sessions, service messages, containers, gzip, RPC calls).
 *
 * Whatever arrives, it never throws out of a socket callback: a fault in the client's data ends
 * the connection with the transport error a DC sends (-404), a fault of ours becomes `500 INTERNAL`.
 */
export class MtprotoConnection {
  private readonly frames = new FrameCodec()
  private keyExchange: KeyExchange | undefined
  private closed = false
  private outbox: Outgoing[] = []
  private flushScheduled = false
  private pingDisconnectTimer: LongTimer | undefined
  private closeGraceTimer: NodeJS.Timeout | undefined
  private framingCounted = false
  /** Bytes of unfinished frames charged to the cluster's count. */
  private charged = 0
  private partialFrameTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly socket: Socket,
    private readonly dc: DcContext,
  ) {
    dc.stats.connectionOpened()
    socket.setNoDelay(true)
    if (dc.idleTimeoutMs !== Number.POSITIVE_INFINITY) {
      socket.setTimeout(dc.idleTimeoutMs, () => {
        if (!this.closed) dc.stats.limitReached('idleTimeouts')
        socket.destroy()
      })
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('end', () => this.onPeerEnd())
    // Socket errors (resets) always end in 'close', which is where we clean up.
    socket.on('error', () => {})
    socket.on('close', () => this.onClose())
  }

  /** Drops the connection at once, as a crashing server would. */
  destroy(): void {
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    const othersHold = this.dc.stats.bufferedBytes - this.charged
    if (
      othersHold + this.frames.pendingBytes + chunk.length >
      (this.dc.maxBufferedBytes ?? Number.POSITIVE_INFINITY)
    ) {
      this.dc.stats.limitReached('bufferRefusals')
      this.fail("unfinished frames past the cluster's buffer limit")
      return
    }
    let payloads: Uint8Array[]
    try {
      // The codec copies what it keeps, so the socket's chunk is not held across reads.
      payloads = this.frames.decode(chunk)
    } catch (error) {
      this.fail(describe(error))
      return
    }
    this.settleBuffer()
    this.watchPartialFrame(payloads.length > 0)
    if (!this.framingCounted && this.frames.kind !== undefined) {
      this.framingCounted = true
      this.dc.stats.framing(this.frames.kind)
    }
    for (const payload of payloads) {
      if (this.closed) return
      this.onPayload(payload)
    }
  }

  /** Brings the cluster's count of unfinished-frame bytes up to date with this connection's. */
  private settleBuffer(): void {
    const held = this.closed ? 0 : this.frames.pendingBytes
    this.dc.stats.buffered(held - this.charged)
    this.charged = held
  }

  /**
   * Times the frame being received, from its first byte (or the end of the one before) until it is
   * whole: idle time alone would let a peer hold a buffer for ever by sending a byte a minute.
   */
  private watchPartialFrame(finishedOne: boolean): void {
    const unfinished = this.frames.pendingBytes > 0
    if (finishedOne || !unfinished) {
      clearTimeout(this.partialFrameTimer)
      this.partialFrameTimer = undefined
    }
    const timeoutMs = this.dc.partialFrameTimeoutMs ?? Number.POSITIVE_INFINITY
    if (!unfinished || this.partialFrameTimer !== undefined || timeoutMs === Number.POSITIVE_INFINITY) return
    this.partialFrameTimer = setTimeout(() => {
      this.partialFrameTimer = undefined
      if (this.closed) return
      this.dc.stats.limitReached('partialFrameTimeouts')
      this.socket.destroy()
    }, timeoutMs)
  }

  private onPayload(payload: Uint8Array): void {
    if (payload.length < 8) {
      this.fail('payload shorter than an auth_key_id')
      return
    }
    const authKeyId = readAuthKeyId(payload)
    if (authKeyId === 0n) {
      this.onPlainMessage(payload)
      return
    }
    const record = this.dc.keys.get(authKeyId)
    if (!record || (record.expiresAt !== undefined && record.expiresAt <= unixNow())) {
      this.fail('unknown auth key')
      return
    }
    const message = decryptClientMessage(record.authKey, payload)
    if (typeof message === 'string') {
      this.fail(`undecryptable message (${message})`)
      return
    }
    this.onMessage(record, message)
  }

  /** auth_key_id = 0: the key exchange. Layout: msg_id, length, body. */
  private onPlainMessage(payload: Uint8Array): void {
    const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
    const length = payload.length < 20 ? -1 : view.readUInt32LE(16)
    if (length < 0 || length > payload.length - 20) {
      this.fail('malformed plain message')
      return
    }
    try {
      const request = this.dc.codec.decode(payload.subarray(20, 20 + length))
      this.keyExchange ??= new KeyExchange(this.dc.codec, this.dc.rsa, this.dc.dcId)
      const { reply, authKey } = this.keyExchange.step(request)
      if (authKey) {
        const key = makeAuthKey(authKey.key)
        const expiresAt =
          authKey.expiresInSeconds === undefined ? undefined : unixNow() + authKey.expiresInSeconds
        this.dc.keys.set(key.id, new AuthKeyRecord(key, authKey.salt, expiresAt))
        this.dc.stats.authKeyCreated(this.dc.dcId)
        this.keyExchange = undefined
      }
      const body = this.dc.codec.encodeService(reply)
      const header = Buffer.alloc(20)
      header.writeBigInt64LE(this.dc.clock.next('response'), 8)
      header.writeUInt32LE(body.length, 16)
      this.write(concat(header, body))
    } catch (error) {
      this.fail(`key exchange: ${describe(error)}`)
    }
  }

  private onMessage(record: AuthKeyRecord, message: ClientMessage): void {
    const { session, created } = record.session(message.sessionId)
    const badMsg = checkClientMsgId(message.msgId)
    if (badMsg !== undefined) {
      this.queue(
        record,
        session,
        this.serviceBody({
          _: 'mt_bad_msg_notification',
          badMsgId: toLong(message.msgId),
          badMsgSeqno: message.seqNo,
          errorCode: badMsg,
        }),
        false,
      )
      return
    }
    if (!record.acceptsSalt(message.salt)) {
      this.dc.stats.badServerSalt()
      this.queue(
        record,
        session,
        this.serviceBody({
          _: 'mt_bad_server_salt',
          badMsgId: toLong(message.msgId),
          badMsgSeqno: message.seqNo,
          errorCode: 48,
          newServerSalt: toLong(record.currentSalt()),
        }),
        false,
      )
      // A session is only "created" by a message the server accepts.
      if (created) record.sessions.delete(session.id)
      return
    }
    if (!session.markSeen(message.msgId)) return
    if (created) {
      this.queue(
        record,
        session,
        this.serviceBody({
          _: 'mt_new_session_created',
          firstMsgId: toLong(message.msgId),
          uniqueId: Long.fromBytesLE([...randomBytes(8)]),
          serverSalt: toLong(record.currentSalt()),
        }),
        true,
      )
    }
    try {
      this.onBody(record, session, message.msgId, message.body, false)
    } catch (error) {
      // A malformed container or gzip_packed: the client's bytes decrypted, so they are its fault.
      this.fail(`malformed message: ${describe(error)}`)
    }
  }

  private onBody(
    record: AuthKeyRecord,
    session: SessionState,
    msgId: bigint,
    body: Uint8Array,
    inContainer: boolean,
  ): void {
    const reader = TlBinaryReader.manual(body)
    const id = reader.uint()
    if (id === MSG_CONTAINER) {
      if (inContainer) return
      this.dc.stats.containerReceived()
      const count = reader.uint()
      for (let i = 0; i < count; i++) {
        const innerId = BigInt(reader.long().toString())
        reader.uint() // seq_no: not checked; neither client relies on it
        const inner = reader.raw(reader.uint())
        if (session.markSeen(innerId)) this.onBody(record, session, innerId, new Uint8Array(inner), true)
      }
      return
    }
    if (id === GZIP_PACKED) {
      this.dc.stats.gzipReceived()
      // unzip, not gunzip: mtcute packs with zlib's deflate format rather than gzip's.
      const inflated = unzipSync(reader.bytes(), { maxOutputLength: MAX_INFLATED_BYTES })
      this.onBody(record, session, msgId, new Uint8Array(inflated), inContainer)
      return
    }
    let request: TlObject
    try {
      request = this.dc.codec.decode(body)
    } catch {
      // Telegram's answer to a constructor it does not know, or to a truncated one.
      this.sendRpcError(
        record,
        session,
        msgId,
        400,
        this.dc.codec.knows(id) ? 'INPUT_FETCH_ERROR' : 'INPUT_METHOD_INVALID',
      )
      return
    }
    this.onObject(record, session, msgId, request)
  }

  private onObject(record: AuthKeyRecord, session: SessionState, msgId: bigint, obj: TlObject): void {
    switch (obj._) {
      case 'mt_msgs_ack':
        for (const id of (obj.msgIds as unknown[] | undefined) ?? []) {
          const acked = BigInt(String(id))
          if (acked > session.ackedUpTo) session.ackedUpTo = acked
        }
        return
      case 'mt_http_wait':
      case 'mt_msg_resend_req':
      case 'mt_msgs_state_info':
      case 'mt_msgs_all_info':
        return
      case 'mt_ping':
      case 'mt_ping_delay_disconnect':
        if (obj._ === 'mt_ping_delay_disconnect') this.armPingDisconnect(Number(obj.disconnectDelay))
        this.queue(
          record,
          session,
          this.serviceBody({ _: 'mt_pong', msgId: toLong(msgId), pingId: obj.pingId }),
          true,
        )
        return
      case 'mt_get_future_salts': {
        const count = Math.min(Math.max(Number(obj.num) || 1, 1), 64)
        this.queue(record, session, futureSalts(msgId, record.futureSalts(count)), true)
        return
      }
      case 'mt_rpc_drop_answer':
        // Answers go out as soon as they are ready, so there is never one left to drop.
        this.queue(record, session, rpcResult(msgId, this.serviceBody({ _: 'mt_rpc_answer_unknown' })), true)
        return
      case 'mt_msgs_state_req': {
        const ids = obj.msgIds as unknown[]
        // 4: "received"; we never lose a message we decrypted.
        const info = new Uint8Array(ids.length).fill(4)
        this.queue(
          record,
          session,
          this.serviceBody({ _: 'mt_msgs_state_info', reqMsgId: toLong(msgId), info }),
          true,
        )
        return
      }
      case 'mt_destroy_session': {
        const target = BigInt(String(obj.sessionId))
        const existed = target !== session.id && record.sessions.delete(target)
        this.queue(
          record,
          session,
          this.serviceBody({
            _: existed ? 'mt_destroy_session_ok' : 'mt_destroy_session_none',
            sessionId: obj.sessionId,
          }),
          true,
        )
        return
      }
      case 'mt_destroy_auth_key':
        this.queue(record, session, this.serviceBody({ _: 'mt_destroy_auth_key_ok' }), true)
        this.flush()
        this.dc.keys.delete(record.authKey.id)
        return
    }
    if (this.dc.codec.isMethod(obj._)) {
      // invoke guards its own steps; this catch keeps a slip from becoming an unhandled rejection.
      this.invoke(record, session, msgId, obj).catch((error) => {
        this.dc.stats.internalError(`${obj._}: ${describe(error)}`)
      })
    }
  }

  private async invoke(
    record: AuthKeyRecord,
    session: SessionState,
    msgId: bigint,
    request: TlObject,
  ): Promise<void> {
    let query: unknown = request
    // Peel the wrappers clients put around calls, keeping what they tell about the client.
    while (isTlObject(query) && isWrapper(query)) {
      if (query._ === 'invokeWithLayer') record.layer = Number(query.layer)
      if (query._ === 'initConnection') {
        record.client = {
          apiId: Number(query.apiId),
          deviceModel: String(query.deviceModel),
          appVersion: String(query.appVersion),
        }
      }
      query = query.query
    }
    if (!isTlObject(query) || !this.dc.codec.isMethod(query._)) {
      this.sendRpcError(record, session, msgId, 400, 'INPUT_METHOD_INVALID')
      return
    }
    const method = query._
    this.dc.stats.call(method)
    let outcome: CallOutcome
    try {
      outcome = await this.dc.handler.handle({
        dcId: this.dc.dcId,
        authKeyId: record.authKey.id,
        sessionId: session.id,
        account: record.account,
        layer: record.layer,
        method,
        params: query,
        receipt: { channel: this.channelOf(session), seenUpTo: max(session.ackedUpTo, msgId) },
      })
    } catch (error) {
      this.dc.stats.internalError(`${method}: handler threw ${describe(error)}`)
      outcome = { error: { code: 500, message: 'INTERNAL' } }
    }
    if (this.closed) return
    if ('drop' in outcome) {
      // A dropped call never happened as far as the client can tell; it will send it again, maybe
      // under the same msg_id, which must then be served rather than ignored as a replay.
      if (outcome.drop === 'close') {
        session.forget(msgId)
        this.destroy()
      }
      return
    }
    if ('error' in outcome) {
      const { floodKey } = outcome
      const handler = this.dc.handler
      const onSent =
        floodKey === undefined || handler.delivered === undefined
          ? undefined
          : (sentId: bigint) =>
              handler.delivered?.(floodKey, { channel: this.channelOf(session), messageId: sentId })
      this.sendRpcError(record, session, msgId, outcome.error.code, outcome.error.message, onSent)
      return
    }
    let encoded: Uint8Array
    try {
      encoded = this.dc.codec.encodeResult(method, outcome.result, record.layer)
    } catch (error) {
      this.dc.stats.internalError(
        `${method}: result does not serialise at layer ${record.layer}: ${describe(error)}`,
      )
      this.sendRpcError(record, session, msgId, 500, 'INTERNAL')
      return
    }
    if (outcome.authorize !== undefined) record.account = outcome.authorize ?? undefined
    const packed = maybeGzip(encoded)
    if (packed !== encoded) this.dc.stats.gzipSent()
    this.queue(record, session, rpcResult(msgId, packed), true)
  }

  private sendRpcError(
    record: AuthKeyRecord,
    session: SessionState,
    msgId: bigint,
    code: number,
    message: string,
    onSent?: (msgId: bigint) => void,
  ): void {
    this.dc.stats.rpcError(message)
    const body = this.serviceBody({ _: 'mt_rpc_error', errorCode: code, errorMessage: message })
    this.queue(record, session, rpcResult(msgId, body), true, onSent)
  }

  /** A session's name for flood receipts: its DC and session id. */
  private channelOf(session: SessionState): string {
    return `${this.dc.dcId}/${session.id}`
  }

  private serviceBody(obj: TlObject): Uint8Array {
    return this.dc.codec.encodeService(obj)
  }

  /** `ping_delay_disconnect`: close unless another ping comes within `seconds`. */
  private armPingDisconnect(seconds: number): void {
    this.pingDisconnectTimer?.cancel()
    if (!(seconds > 0)) return
    this.pingDisconnectTimer = setLongTimeout(() => this.destroy(), seconds * 1000)
  }

  /**
   * Messages produced in the same turn of the event loop leave together in one msg_container,
   * as Telegram batches, so both clients' container handling is exercised.
   */
  private queue(
    record: AuthKeyRecord,
    session: SessionState,
    body: Uint8Array,
    contentRelated: boolean,
    onSent?: (msgId: bigint) => void,
  ): void {
    if (this.closed) return
    this.outbox.push({ record, session, body, contentRelated, ...(onSent !== undefined && { onSent }) })
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => this.flush())
    }
  }

  private flush(): void {
    this.flushScheduled = false
    const pending = this.outbox
    this.outbox = []
    if (this.closed) return
    const bySession = new Map<SessionState, Outgoing[]>()
    for (const item of pending) {
      const list = bySession.get(item.session)
      if (list) list.push(item)
      else bySession.set(item.session, [item])
    }
    for (const items of bySession.values()) {
      for (const batch of batches(items)) this.send(batch)
    }
  }

  private send(batch: Outgoing[]): void {
    const { record, session } = batch[0]!
    const messages = batch.map((item) => {
      const msgId = this.dc.clock.next('response')
      item.onSent?.(msgId)
      return { msgId, seqNo: session.nextSeqNo(item.contentRelated), body: item.body }
    })
    let envelope = messages[0]!
    if (messages.length > 1) {
      const size = messages.reduce((sum, m) => sum + 16 + m.body.length, 8)
      const w = TlBinaryWriter.alloc(undefined, size)
      w.uint(MSG_CONTAINER)
      w.uint(messages.length)
      for (const m of messages) {
        w.long(toLong(m.msgId))
        w.uint(m.seqNo)
        w.uint(m.body.length)
        w.raw(m.body)
      }
      envelope = { msgId: this.dc.clock.next('response'), seqNo: session.nextSeqNo(false), body: w.result() }
      this.dc.stats.containerSent()
    }
    const payload = encryptServerMessage(record.authKey, {
      salt: record.currentSalt(),
      sessionId: session.id,
      ...envelope,
    })
    this.write(payload)
  }

  private write(payload: Uint8Array): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(this.frames.encode(payload))
  }

  /** Transport error -404, then close: what a DC does with data it cannot accept. */
  private fail(reason: string): void {
    if (this.closed) return
    this.dc.stats.transportError(reason)
    this.closed = true
    this.outbox = []
    this.settleBuffer()
    clearTimeout(this.partialFrameTimer)
    if (this.socket.destroyed) return
    // Half-close and let the client read the error and hang up; cut it if it does not. Until then its
    // bytes are still read (so its FIN is seen) but dropped unparsed: `closed` stops onData.
    this.socket.end(this.frames.encodeTransportError(404))
    this.closeGraceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
  }

  /**
   * The client half-closed (the listener allows half-open sockets for this): send what is already
   * answered, then close our side too. Calls still in a handler are dropped, as on a real DC.
   */
  private onPeerEnd(): void {
    setImmediate(() => {
      if (this.closed) return
      this.flush()
      this.closed = true
      this.socket.end()
    })
  }

  private onClose(): void {
    if (!this.closed) this.closed = true
    this.outbox = []
    this.pingDisconnectTimer?.cancel()
    clearTimeout(this.closeGraceTimer)
    clearTimeout(this.partialFrameTimer)
    this.settleBuffer()
    this.dc.stats.connectionClosed()
  }
}

/** Splits a session's outgoing messages into containers of bounded size. */
function batches(items: Outgoing[]): Outgoing[][] {
  const out: Outgoing[][] = []
  let current: Outgoing[] = []
  let size = 0
  for (const item of items) {
    if (current.length > 0 && size + item.body.length > MAX_CONTAINER_BYTES) {
      out.push(current)
      current = []
      size = 0
    }
    current.push(item)
    size += item.body.length
  }
  if (current.length > 0) out.push(current)
  return out
}

/** bad_msg_notification codes for a client msg_id: 16 too old, 17 too new, 18 not divisible by 4. */
function checkClientMsgId(msgId: bigint): number | undefined {
  if (msgId % 4n !== 0n) return 18
  const seconds = Number(msgId >> 32n)
  const now = unixNow()
  if (seconds < now - MAX_MSG_AGE_SECONDS) return 16
  if (seconds > now + MAX_MSG_LEAD_SECONDS) return 17
  return undefined
}

/**
 * future_salts, written by hand: the writer mtcute 0.30 ships for it passes its bare
 * `future_salt` items to a function with the wrong signature and throws.
 */
function futureSalts(reqMsgId: bigint, salts: readonly ServerSalt[]): Uint8Array {
  const w = TlBinaryWriter.alloc(undefined, 20 + 16 * salts.length)
  w.uint(FUTURE_SALTS)
  w.long(toLong(reqMsgId))
  w.int(unixNow())
  w.uint(salts.length)
  for (const salt of salts) {
    w.int(salt.validSince)
    w.int(salt.validUntil)
    w.long(toLong(salt.salt))
  }
  return w.result()
}

function rpcResult(reqMsgId: bigint, result: Uint8Array): Uint8Array {
  const w = TlBinaryWriter.alloc(undefined, 12 + result.length)
  w.uint(RPC_RESULT)
  w.long(toLong(reqMsgId))
  w.raw(result)
  return w.result()
}

function maybeGzip(result: Uint8Array): Uint8Array {
  if (result.length <= GZIP_THRESHOLD_BYTES) return result
  const packed = gzipSync(result)
  if (packed.length + 8 >= result.length) return result
  // id, length prefix (up to 4), data, padding (up to 3)
  const w = TlBinaryWriter.alloc(undefined, packed.length + 12)
  w.uint(GZIP_PACKED)
  w.bytes(packed)
  return w.result()
}

function isTlObject(value: unknown): value is TlObject {
  return typeof value === 'object' && value !== null && typeof (value as { _?: unknown })._ === 'string'
}

/** invokeWithLayer, initConnection, invokeWithoutUpdates, invokeAfterMsg, ...: all carry `query`. */
function isWrapper(obj: TlObject): boolean {
  return (obj._ === 'initConnection' || obj._.startsWith('invoke')) && 'query' in obj
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
