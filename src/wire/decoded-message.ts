import type { RpcError } from '../error/index.js'
import type { BadMsgAction } from './bad-msg-codes.js'
import type { DecodeError } from './decode-error.js'

/**
 * What the result of a call turned out to be: an error built by the error model, or the bytes of
 * the result object for the caller's own deserializer. `gzipped` says it arrived in `gzip_packed`.
 */
export type RpcOutcome =
  | { readonly ok: true; readonly body: Uint8Array; readonly gzipped: boolean }
  | { readonly ok: false; readonly error: RpcError; readonly gzipped: boolean }

/** A decoded `rpc_result`: which call it answers and how that call ended. */
export interface DecodedRpcResult {
  /** The msg_id of the call this answers. */
  readonly reqMsgId: bigint
  /** The error, or the result bytes. */
  readonly outcome: RpcOutcome
}

/** Where a message sat: its msg_id and seqno inside a container, `undefined` for a lone body. */
export interface MessageEnvelope {
  /** The message's msg_id, from its container. */
  readonly msgId: bigint | undefined
  /** The message's seqno, from its container. */
  readonly seqNo: number | undefined
}

/** An `rpc_result` message. */
export interface RpcResultMessage extends MessageEnvelope, DecodedRpcResult {
  readonly kind: 'rpc_result'
}

/** A `bad_msg_notification`: the server ignored the message `badMsgId`; it must be sent again. */
export interface BadMsgNotificationMessage extends MessageEnvelope {
  readonly kind: 'bad_msg_notification'
  /** The msg_id of the message the server ignored. */
  readonly badMsgId: bigint
  /** Its seqno. */
  readonly badMsgSeqno: number
  /** The protocol's error code (16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64). */
  readonly errorCode: number
  /** What the code means, in plain words. */
  readonly meaning: string
  /** The recommended recovery. */
  readonly action: BadMsgAction
}

/** A `bad_server_salt`: the message `badMsgId` was ignored and must be resent with `newServerSalt`. */
export interface BadServerSaltMessage extends MessageEnvelope {
  readonly kind: 'bad_server_salt'
  /** The msg_id of the message the server ignored. */
  readonly badMsgId: bigint
  /** Its seqno. */
  readonly badMsgSeqno: number
  /** The protocol's error code, 48. */
  readonly errorCode: number
  /** The salt to use from now on. */
  readonly newServerSalt: bigint
  /** What the code means, in plain words. */
  readonly meaning: string
  /** The recommended recovery. */
  readonly action: BadMsgAction
}

/** Any other object (updates, pong, msgs_ack, ...), left for the caller's deserializer. */
export interface OtherMessage extends MessageEnvelope {
  readonly kind: 'other'
  /** Its constructor id (unsigned). */
  readonly constructorId: number
  /** The whole object, constructor id included; inflated when it came in `gzip_packed`. */
  readonly body: Uint8Array
  /** Whether it arrived in `gzip_packed`. */
  readonly gzipped: boolean
}

/**
 * A message of a container whose own body could not be decoded. The container's framing was
 * sound, so the other messages are still delivered; this one carries the reason.
 */
export interface InvalidMessage extends MessageEnvelope {
  readonly kind: 'invalid'
  /** Why the body could not be decoded. */
  readonly error: DecodeError
  /** The call it answered, when the body is an `rpc_result` whose req_msg_id could be read. */
  readonly reqMsgId: bigint | undefined
  /** The undecoded body. */
  readonly body: Uint8Array
}

/** One decoded message; switch on `kind`. */
export type DecodedMessage =
  | RpcResultMessage
  | BadMsgNotificationMessage
  | BadServerSaltMessage
  | OtherMessage
  | InvalidMessage
