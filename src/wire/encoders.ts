import { gzipSync } from 'fflate'
import { CONSTRUCTOR_IDS } from './constructor-ids.js'
import { TlWriter } from './tl-writer.js'

/** One message of a container, as {@link encodeMsgContainer} takes it. */
export interface ContainerMessage {
  /** Its msg_id. */
  readonly msgId: bigint
  /** Its seqno. */
  readonly seqNo: number
  /** The serialized object; a multiple of 4 bytes, as every TL object is. */
  readonly body: Uint8Array
}

/** Fields of a `bad_msg_notification`. */
export interface BadMsgNotificationFields {
  /** The msg_id of the message being refused. */
  readonly badMsgId: bigint
  /** Its seqno. */
  readonly badMsgSeqno: number
  /** The protocol's error code (16, 17, ..., 64). */
  readonly errorCode: number
}

/** Fields of a `bad_server_salt`; `errorCode` defaults to 48, the only one the protocol uses. */
export interface BadServerSaltFields {
  /** The msg_id of the message being refused. */
  readonly badMsgId: bigint
  /** Its seqno. */
  readonly badMsgSeqno: number
  /** The salt the client must use. */
  readonly newServerSalt: bigint
  /** Defaults to 48. */
  readonly errorCode?: number
}

/** `rpc_error#2144ca19 error_code:int error_message:string`. */
export function encodeRpcError(code: number, message: string): Uint8Array {
  return new TlWriter(16 + message.length * 3)
    .constructorId(CONSTRUCTOR_IDS.rpc_error)
    .int(code)
    .string(message)
    .finish()
}

/** `rpc_result#f35c6d01 req_msg_id:long result:Object`, around an already serialized `result`. */
export function encodeRpcResult(reqMsgId: bigint, result: Uint8Array): Uint8Array {
  return new TlWriter(12 + result.length)
    .constructorId(CONSTRUCTOR_IDS.rpc_result)
    .long(reqMsgId)
    .raw(result)
    .finish()
}

/**
 * `gzip_packed#3072cfa1 packed_data:bytes` around a serialized object. The gzip header's time is
 * left zero ("unknown"), so the same input always gives the same bytes.
 */
export function encodeGzipPacked(object: Uint8Array): Uint8Array {
  const gzip = gzipSync(object, { mtime: 0 })
  return new TlWriter(gzip.length + 8).constructorId(CONSTRUCTOR_IDS.gzip_packed).bytes(gzip).finish()
}

/** `msg_container#73f1f8dc messages:vector<message>`; throws `RangeError` for a body not a multiple of 4. */
export function encodeMsgContainer(messages: readonly ContainerMessage[]): Uint8Array {
  let size = 8
  for (const message of messages) size += 16 + message.body.length
  const writer = new TlWriter(size).constructorId(CONSTRUCTOR_IDS.msg_container).int(messages.length)
  for (const { msgId, seqNo, body } of messages) {
    if (body.length % 4 !== 0)
      throw new RangeError(`message body of ${body.length} bytes is not a multiple of 4`)
    writer.long(msgId).int(seqNo).int(body.length).raw(body)
  }
  return writer.finish()
}

/** `bad_msg_notification#a7eff811 bad_msg_id:long bad_msg_seqno:int error_code:int`. */
export function encodeBadMsgNotification(fields: BadMsgNotificationFields): Uint8Array {
  return new TlWriter(20)
    .constructorId(CONSTRUCTOR_IDS.bad_msg_notification)
    .long(fields.badMsgId)
    .int(fields.badMsgSeqno)
    .int(fields.errorCode)
    .finish()
}

/** `bad_server_salt#edab447b bad_msg_id:long bad_msg_seqno:int error_code:int new_server_salt:long`. */
export function encodeBadServerSalt(fields: BadServerSaltFields): Uint8Array {
  return new TlWriter(28)
    .constructorId(CONSTRUCTOR_IDS.bad_server_salt)
    .long(fields.badMsgId)
    .int(fields.badMsgSeqno)
    .int(fields.errorCode ?? 48)
    .long(fields.newServerSalt)
    .finish()
}

/** The 4-byte packet of a transport error; `code` is negative (-404), as on the wire. */
export function encodeTransportError(code: number): Uint8Array {
  if (!Number.isInteger(code) || code >= 0 || code < -0x80000000) {
    throw new RangeError(`a transport error code is a negative int32, got ${code}`)
  }
  return new TlWriter(4).int(code).finish()
}
