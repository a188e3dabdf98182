import type { Socket } from 'node:net'
import { type LongTimer, setLongTimeout } from '../../recovery/long-timer.js'
import type { DcContext } from './dc-context.js'
import { describeError } from './describe-error.js'
import { FrameCodec } from './framing.js'
import { decryptClientMessage, readAuthKeyId } from './message-crypto.js'
import { MessageRouter } from './message-router.js'
import { Outbox } from './outbox.js'
import { PlainMessages } from './plain-messages.js'
import { unixNow } from './session.js'

/** How long a connection that failed waits for the client to close before we cut it. */
const CLOSE_GRACE_MS = 2000
/** What a DC answers data it cannot accept with: no such auth key, or MTProto fields that are wrong. */
const AUTH_KEY_NOT_FOUND = -404

/**
 * One client TCP connection to a DC: the socket's life (limits, timers, half-close, the -404 that
 * ends a faulty one) and its framing. Payloads go to the key exchange ({@link PlainMessages})
 * when unencrypted, else are decrypted under their auth key and handed to the
 * {@link MessageRouter}; answers leave through the {@link Outbox}.
 *
 * Whatever arrives, it never throws out of a socket callback: a fault in the client's data ends
 * the connection with the transport error a DC sends (-404), a fault of ours becomes `500 INTERNAL`.
 */
export class MtprotoConnection {
  private readonly frames = new FrameCodec()
  private readonly plain: PlainMessages
  private readonly outbox: Outbox
  private readonly router: MessageRouter
  private closed = false
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
    this.plain = new PlainMessages(dc)
    this.outbox = new Outbox({
      clock: dc.clock,
      containerSent: () => dc.stats.containerSent(),
      write: (payload) => this.write(payload),
    })
    this.router = new MessageRouter(dc, this.outbox, {
      isClosed: () => this.closed,
      fail: (reason) => this.fail(reason),
      destroy: () => this.destroy(),
      armPingDisconnect: (seconds) => this.armPingDisconnect(seconds),
    })
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
      this.fail(describeError(error))
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
      try {
        this.write(this.plain.answer(payload))
      } catch (error) {
        this.fail(`key exchange: ${describeError(error)}`)
      }
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
    this.router.route(record, message)
  }

  /** `ping_delay_disconnect`: close unless another ping comes within `seconds`. */
  private armPingDisconnect(seconds: number): void {
    this.pingDisconnectTimer?.cancel()
    if (!(seconds > 0)) return
    this.pingDisconnectTimer = setLongTimeout(() => this.destroy(), seconds * 1000)
  }

  private write(payload: Uint8Array): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(this.frames.encode(payload))
  }

  /** Transport error -404, then close: what a DC does with data it cannot accept. */
  private fail(reason: string): void {
    if (this.closed) return
    this.dc.stats.transportError(reason)
    this.closed = true
    this.outbox.close()
    this.settleBuffer()
    clearTimeout(this.partialFrameTimer)
    if (this.socket.destroyed) return
    // Half-close and let the client read the error and hang up; cut it if it does not. Until then its
    // bytes are still read (so its FIN is seen) but dropped unparsed: `closed` stops onData.
    this.socket.end(this.frames.encodeTransportError(AUTH_KEY_NOT_FOUND))
    this.closeGraceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
  }

  /**
   * The client half-closed (the listener allows half-open sockets for this): send what is already
   * answered, then close our side too. Calls still in a handler are dropped, as on a real DC.
   */
  private onPeerEnd(): void {
    setImmediate(() => {
      if (this.closed) return
      this.outbox.flush()
      this.closed = true
      this.outbox.close()
      this.socket.end()
    })
  }

  private onClose(): void {
    this.closed = true
    this.outbox.close()
    this.pingDisconnectTimer?.cancel()
    clearTimeout(this.closeGraceTimer)
    clearTimeout(this.partialFrameTimer)
    this.settleBuffer()
    this.dc.stats.connectionClosed()
  }
}
