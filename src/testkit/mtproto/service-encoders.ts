import { TlWriter } from '../../wire/index.js'
import type { ServerSalt } from './session.js'

/**
 * The MTProto service messages only a server sends, written with the wire's {@link TlWriter}.
 * `src/wire` encodes what its decoders read (rpc_result, rpc_error, gzip_packed, msg_container,
 * bad_msg_notification, bad_server_salt); these have no decoder there, as a client library never
 * needs to build them, so they live with the server. Ids and layouts are those of the MTProto
 * schema; the tests read every one back with mtcute's own reader.
 */
const IDS = {
  pong: 0x347773c5,
  new_session_created: 0x9ec20908,
  future_salts: 0xae500895,
  msgs_state_info: 0x04deb57d,
  destroy_session_ok: 0xe22045fc,
  destroy_session_none: 0x62d350c9,
  destroy_auth_key_ok: 0xf660e1d4,
  rpc_answer_unknown: 0x5e2ad36e,
} as const

/** `pong#347773c5 msg_id:long ping_id:long`: `msgId` is the ping's. */
export function encodePong(msgId: bigint, pingId: bigint): Uint8Array {
  return new TlWriter(20).constructorId(IDS.pong).long(msgId).long(pingId).finish()
}

/** `new_session_created#9ec20908 first_msg_id:long unique_id:long server_salt:long`. */
export function encodeNewSessionCreated(
  firstMsgId: bigint,
  uniqueId: bigint,
  serverSalt: bigint,
): Uint8Array {
  return new TlWriter(28)
    .constructorId(IDS.new_session_created)
    .long(firstMsgId)
    .long(uniqueId)
    .long(serverSalt)
    .finish()
}

/**
 * `future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt>`, the vector bare and
 * each `future_salt valid_since:int valid_until:int salt:long` bare too. Written here rather than
 * by mtcute's map: the writer mtcute 0.30 ships for it throws on the bare items.
 */
export function encodeFutureSalts(reqMsgId: bigint, now: number, salts: readonly ServerSalt[]): Uint8Array {
  const writer = new TlWriter(20 + 16 * salts.length)
    .constructorId(IDS.future_salts)
    .long(reqMsgId)
    .int(now)
    .int(salts.length)
  for (const salt of salts) writer.int(salt.validSince).int(salt.validUntil).long(salt.salt)
  return writer.finish()
}

/** `msgs_state_info#04deb57d req_msg_id:long info:bytes`: one status byte per msg_id asked about. */
export function encodeMsgsStateInfo(reqMsgId: bigint, info: Uint8Array): Uint8Array {
  return new TlWriter(16 + info.length).constructorId(IDS.msgs_state_info).long(reqMsgId).bytes(info).finish()
}

/** `destroy_session_ok#e22045fc` or, for a session the server did not have, `destroy_session_none#62d350c9`. */
export function encodeDestroySessionResult(sessionId: bigint, existed: boolean): Uint8Array {
  return new TlWriter(12)
    .constructorId(existed ? IDS.destroy_session_ok : IDS.destroy_session_none)
    .long(sessionId)
    .finish()
}

/** `destroy_auth_key_ok#f660e1d4`. */
export function encodeDestroyAuthKeyOk(): Uint8Array {
  return new TlWriter(4).constructorId(IDS.destroy_auth_key_ok).finish()
}

/** `rpc_answer_unknown#5e2ad36e`, the answer to `rpc_drop_answer` for a call with no pending answer. */
export function encodeRpcAnswerUnknown(): Uint8Array {
  return new TlWriter(4).constructorId(IDS.rpc_answer_unknown).finish()
}
