import { encodeRpcResult } from '../../wire/index.js'
import {
  encodeDestroyAuthKeyOk,
  encodeDestroySessionResult,
  encodeFutureSalts,
  encodeMsgsStateInfo,
  encodePong,
  encodeRpcAnswerUnknown,
} from './service-encoders.js'
import { type AuthKeyRecord, type SessionState, unixNow } from './session.js'
import type { TlObject } from './tl-codec.js'
import { toBigInt } from './tl-maps.js'

/** The most salts one get_future_salts is answered with (the protocol's own cap). */
const MAX_FUTURE_SALTS = 64
/** msgs_state_info's status for a message the server received (we never lose one we decrypted). */
const STATE_RECEIVED = 4

/** A service message as it arrived: its object, msg_id, and the key and session it came on. */
export interface ServiceRequest {
  readonly record: AuthKeyRecord
  readonly session: SessionState
  readonly msgId: bigint
  readonly obj: TlObject
}

/** What the connection must do for a service message. */
export interface ServiceAnswer {
  /** A content-related reply to send on the request's session, if any. */
  readonly reply?: Uint8Array
  /** `ping_delay_disconnect`: close unless another ping comes within this many seconds. */
  readonly disconnectDelaySeconds?: number
  /** `destroy_auth_key`: send the reply at once, then forget the key. */
  readonly destroyAuthKey?: true
}

/**
 * Answers the MTProto service messages a client sends (acks, pings, salts, session and key
 * destruction, state requests); undefined when `obj` is not one, so it is an API call or unknown.
 * Acks and the messages a server only reads move state and get no reply.
 */
export function answerServiceMessage(request: ServiceRequest): ServiceAnswer | undefined {
  const { record, session, msgId, obj } = request
  switch (obj._) {
    case 'mt_msgs_ack':
      for (const id of (obj.msgIds as unknown[] | undefined) ?? []) {
        const acked = toBigInt(id)
        if (acked > session.ackedUpTo) session.ackedUpTo = acked
      }
      return {}
    case 'mt_http_wait':
    case 'mt_msg_resend_req':
    case 'mt_msgs_state_info':
    case 'mt_msgs_all_info':
      return {}
    case 'mt_ping':
      return { reply: encodePong(msgId, toBigInt(obj.pingId)) }
    case 'mt_ping_delay_disconnect':
      return {
        reply: encodePong(msgId, toBigInt(obj.pingId)),
        disconnectDelaySeconds: Number(obj.disconnectDelay),
      }
    case 'mt_get_future_salts': {
      const count = Math.min(Math.max(Number(obj.num) || 1, 1), MAX_FUTURE_SALTS)
      const now = unixNow()
      return { reply: encodeFutureSalts(msgId, now, record.futureSalts(count, now)) }
    }
    case 'mt_rpc_drop_answer':
      // Answers go out as soon as they are ready, so there is never one left to drop.
      return { reply: encodeRpcResult(msgId, encodeRpcAnswerUnknown()) }
    case 'mt_msgs_state_req': {
      const ids = (obj.msgIds as unknown[] | undefined) ?? []
      return { reply: encodeMsgsStateInfo(msgId, new Uint8Array(ids.length).fill(STATE_RECEIVED)) }
    }
    case 'mt_destroy_session': {
      const target = toBigInt(obj.sessionId)
      // A session cannot destroy itself: the client would lose the answer.
      const existed = target !== session.id && record.sessions.delete(target)
      return { reply: encodeDestroySessionResult(target, existed) }
    }
    case 'mt_destroy_auth_key':
      return { reply: encodeDestroyAuthKeyOk(), destroyAuthKey: true }
    default:
      return undefined
  }
}
