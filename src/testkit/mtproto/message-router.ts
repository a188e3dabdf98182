import { randomBytes } from 'node:crypto'
import type { DcContext } from './dc-context.js'
import { describeError } from './describe-error.js'
import { admitMessage } from './message-admission.js'
import type { ClientMessage } from './message-crypto.js'
import type { Outbox } from './outbox.js'
import { unpackRequests } from './request-unpacker.js'
import { answerCall, type RpcAnswer, rpcErrorAnswer } from './rpc-dispatch.js'
import { encodeNewSessionCreated } from './service-encoders.js'
import { answerServiceMessage } from './service-messages.js'
import type { AuthKeyRecord, SessionState } from './session.js'
import type { TlObject } from './tl-codec.js'

/** What the router asks of the connection it serves. */
export interface RouterHost {
  /** True once the connection is closing; answers still in a handler are then dropped. */
  isClosed(): boolean
  /** Ends the connection with transport error -404 (the client's bytes were at fault). */
  fail(reason: string): void
  /** Drops the connection at once (a handler asked for it). */
  destroy(): void
  /** `ping_delay_disconnect`: close unless another ping comes within `seconds`. */
  armPingDisconnect(seconds: number): void
}

/**
 * Routes each decrypted client message of one connection: admits it (msg_id, salt, replays),
 * announces a new session, takes containers and gzip_packed apart, and hands every request to
 * the service-message answers or to the DC's handler, queueing what comes back in the outbox.
 */
export class MessageRouter {
  constructor(
    private readonly dc: DcContext,
    private readonly outbox: Outbox,
    private readonly host: RouterHost,
  ) {}

  /** Handles one message that decrypted under `record`. */
  route(record: AuthKeyRecord, message: ClientMessage): void {
    const admission = admitMessage(record, message)
    if (admission.kind === 'replay') return
    const { session } = admission
    if (admission.kind === 'refuse') {
      if (admission.reason === 'salt') this.dc.stats.badServerSalt()
      this.outbox.queue({ record, session, body: admission.reply, contentRelated: false })
      return
    }
    if (admission.sessionCreated) {
      const uniqueId = randomBytes(8).readBigInt64LE(0)
      const body = encodeNewSessionCreated(message.msgId, uniqueId, record.currentSalt())
      this.outbox.queue({ record, session, body, contentRelated: true })
    }
    try {
      const unpacked = unpackRequests(message.body)
      if (unpacked.container) this.dc.stats.containerReceived()
      for (let i = 0; i < unpacked.gzipPacked; i++) this.dc.stats.gzipReceived()
      for (const request of unpacked.requests) {
        if (this.host.isClosed()) return
        // Messages of a container have msg_ids of their own, each checked for replay.
        if (request.msgId !== undefined && !session.markSeen(request.msgId)) continue
        this.onRequest(record, session, request.msgId ?? message.msgId, request.body)
      }
    } catch (error) {
      // A malformed container or gzip_packed: the client's bytes decrypted, so they are its fault.
      this.host.fail(`malformed message: ${describeError(error)}`)
    }
  }

  private onRequest(record: AuthKeyRecord, session: SessionState, msgId: bigint, body: Uint8Array): void {
    let obj: TlObject
    try {
      obj = this.dc.codec.decode(body)
    } catch {
      // Telegram's answer to a constructor it does not know, or to a truncated one.
      const id = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0, true)
      const message = this.dc.codec.knows(id) ? 'INPUT_FETCH_ERROR' : 'INPUT_METHOD_INVALID'
      this.queueAnswer(record, session, rpcErrorAnswer(this.dc.stats, msgId, 400, message))
      return
    }
    const service = answerServiceMessage({ record, session, msgId, obj })
    if (service !== undefined) {
      if (service.disconnectDelaySeconds !== undefined)
        this.host.armPingDisconnect(service.disconnectDelaySeconds)
      if (service.reply !== undefined) {
        this.outbox.queue({ record, session, body: service.reply, contentRelated: true })
      }
      if (service.destroyAuthKey) {
        this.outbox.flush()
        this.dc.keys.delete(record.authKey.id)
      }
      return
    }
    if (!this.dc.codec.isMethod(obj._)) return
    const abandoned = () => this.host.isClosed()
    answerCall(this.dc, { record, session, msgId, request: obj, abandoned }).then(
      (answer) => {
        if (abandoned()) return
        if ('drop' in answer) {
          if (answer.drop === 'close') this.host.destroy()
          return
        }
        this.queueAnswer(record, session, answer)
      },
      // answerCall guards its own steps; this keeps a slip from becoming an unhandled rejection.
      (error) => this.dc.stats.internalError(`${obj._}: ${describeError(error)}`),
    )
  }

  private queueAnswer(record: AuthKeyRecord, session: SessionState, answer: RpcAnswer): void {
    const { body, onSent } = answer
    this.outbox.queue({
      record,
      session,
      body,
      contentRelated: true,
      ...(onSent !== undefined && { onSent }),
    })
  }
}
