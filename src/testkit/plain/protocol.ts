/**
 * The plain testkit protocol. Requests are ours to define (no Telegram server speaks this protocol); answers are
 * real TL built with the wire encoder, so the client side decodes exactly what a real server sends.
 *
 * Packet (unencrypted MTProto message): auth_key_id:long(0) msg_id:long length:int body
 *
 * Request body: testkitCall#7e57ca13 seen_msg_id:long account:string method:string params:string
 *   `seen_msg_id` is the highest server msg_id the client had processed on this connection when it
 *   sent the call (0 before any): MTProto clients acknowledge with msgs_ack, and this carries the
 *   same fact in the call itself, which is what lets the server tell a call sent in ignorance of a
 *   flood wait from one sent in spite of it. `account` is empty when the connection is not logged
 *   in; `params` is JSON in which bigints are written as `{"$bigint":"123"}`.
 * Answer body: rpc_result#f35c6d01 req_msg_id:long result:Object, where result is
 *   rpc_error#2144ca19, or testkitResult#7e57ca12 json:string, either possibly in gzip_packed;
 *   several answers ready at once travel in one msg_container#73f1f8dc.
 */
import { TlReader, TlWriter } from '../../wire/index.js'

/** Constructor of a request (0x7e57ca11 was the layout without `seen_msg_id`). */
export const TESTKIT_CALL_ID = 0x7e57ca13
/** Constructor of a successful result, whose one field is the JSON of the value. */
export const TESTKIT_RESULT_ID = 0x7e57ca12

/** A decoded request. */
export interface PlainRequest {
  readonly msgId: bigint
  /** The highest server msg_id the client had processed on this connection (0n: none). */
  readonly seenMsgId: bigint
  readonly account: string | undefined
  readonly method: string
  readonly params: Record<string, unknown>
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $bigint: value.toString() } : value
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '$bigint' in value) {
    return BigInt((value as { $bigint: string }).$bigint)
  }
  return value
}

/** JSON that survives bigints, for params and results. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, replacer) ?? 'null'
}

/** The inverse of {@link toJson}. */
export function fromJson(text: string): unknown {
  return JSON.parse(text, reviver)
}

/** Wraps a body in an unencrypted MTProto message. */
export function encodePlainMessage(msgId: bigint, body: Uint8Array): Uint8Array {
  return new TlWriter(20 + body.length).long(0n).long(msgId).int(body.length).raw(body).finish()
}

/** Unwraps an unencrypted MTProto message; throws `DecodeError` on bad bytes. */
export function decodePlainMessage(packet: Uint8Array): { msgId: bigint; body: Uint8Array } {
  const reader = new TlReader(packet)
  const authKeyId = reader.long()
  if (authKeyId !== 0n) throw new RangeError('the plain protocol carries auth_key_id 0 only')
  const msgId = reader.long()
  const length = reader.int()
  const body = reader.raw(length, 'message body')
  reader.expectEnd('plain message')
  return { msgId, body }
}

/** Encodes a request body; `seenMsgId` is the last server msg_id processed on the connection. */
export function encodeCall(
  account: string | undefined,
  method: string,
  params: unknown,
  seenMsgId = 0n,
): Uint8Array {
  return new TlWriter()
    .constructorId(TESTKIT_CALL_ID)
    .long(seenMsgId)
    .string(account ?? '')
    .string(method)
    .string(toJson(params ?? {}))
    .finish()
}

/** Decodes a request body; throws on anything that is not a well-formed call. */
export function decodeCall(msgId: bigint, body: Uint8Array): PlainRequest {
  const reader = new TlReader(body)
  reader.expectConstructor(TESTKIT_CALL_ID, 'testkitCall')
  const seenMsgId = reader.long()
  const account = reader.string()
  const method = reader.string()
  const params = fromJson(reader.string())
  reader.expectEnd('testkitCall')
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new TypeError('params must be a JSON object')
  }
  return {
    msgId,
    seenMsgId,
    account: account === '' ? undefined : account,
    method,
    params: params as Record<string, unknown>,
  }
}

/** Encodes a successful result object. */
export function encodeResult(value: unknown): Uint8Array {
  return new TlWriter().constructorId(TESTKIT_RESULT_ID).string(toJson(value)).finish()
}

/** Decodes a successful result object (the body of an ok `rpc_result` outcome). */
export function decodeResult(body: Uint8Array): unknown {
  const reader = new TlReader(body)
  reader.expectConstructor(TESTKIT_RESULT_ID, 'testkitResult')
  const value = fromJson(reader.string())
  reader.expectEnd('testkitResult')
  return value
}
