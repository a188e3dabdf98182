import { encodeBadMsgNotification, encodeBadServerSalt } from '../../wire/index.js'
import type { ClientMessage } from './message-crypto.js'
import { type AuthKeyRecord, type SessionState, unixNow } from './session.js'

/** Client msg_ids may be this far behind or ahead of the server's clock (the protocol's bounds). */
const MAX_MSG_AGE_SECONDS = 300
const MAX_MSG_LEAD_SECONDS = 30
/** bad_server_salt's one error code. */
const BAD_SERVER_SALT_CODE = 48

/** What the server does with a decrypted message before reading its body. */
export type Admission =
  /** Read it; `sessionCreated` when it is the first message the session had accepted. */
  | { readonly kind: 'accept'; readonly session: SessionState; readonly sessionCreated: boolean }
  /** Ignore it and send `reply` (bad_msg_notification or bad_server_salt) on `session`. */
  | {
      readonly kind: 'refuse'
      readonly reason: 'msg-id' | 'salt'
      readonly session: SessionState
      readonly reply: Uint8Array
    }
  /** A msg_id already served on its session: dropped without a word, as Telegram does. */
  | { readonly kind: 'replay' }

/**
 * Checks a decrypted message's msg_id and salt against its auth key and session, in the order a
 * DC does: the msg_id's form and time first (bad_msg_notification 16/17/18), then the salt
 * (bad_server_salt 48), then replays. The client's seq_no is not checked: neither supported
 * client relies on a refusal for it. A refused message does not create its session, so the
 * client's corrected resend is the one told `new_session_created`.
 */
export function admitMessage(record: AuthKeyRecord, message: ClientMessage, now = unixNow()): Admission {
  const { session, created } = record.session(message.sessionId)
  const refuse = (reason: 'msg-id' | 'salt', reply: Uint8Array): Admission => {
    if (created) record.sessions.delete(session.id)
    return { kind: 'refuse', reason, session, reply }
  }
  const badMsgCode = checkClientMsgId(message.msgId, now)
  if (badMsgCode !== undefined) {
    return refuse(
      'msg-id',
      encodeBadMsgNotification({
        badMsgId: message.msgId,
        badMsgSeqno: message.seqNo,
        errorCode: badMsgCode,
      }),
    )
  }
  if (!record.acceptsSalt(message.salt, now)) {
    return refuse(
      'salt',
      encodeBadServerSalt({
        badMsgId: message.msgId,
        badMsgSeqno: message.seqNo,
        errorCode: BAD_SERVER_SALT_CODE,
        newServerSalt: record.currentSalt(now),
      }),
    )
  }
  if (!session.markSeen(message.msgId)) return { kind: 'replay' }
  return { kind: 'accept', session, sessionCreated: created }
}

/**
 * The bad_msg_notification code for a client msg_id, or undefined when it is acceptable: 18 when
 * it is not divisible by 4, 16 when its time is too far behind `now`, 17 when too far ahead.
 */
export function checkClientMsgId(msgId: bigint, now: number): 16 | 17 | 18 | undefined {
  if (msgId % 4n !== 0n) return 18
  const seconds = Number(msgId >> 32n)
  if (seconds < now - MAX_MSG_AGE_SECONDS) return 16
  if (seconds > now + MAX_MSG_LEAD_SECONDS) return 17
  return undefined
}
