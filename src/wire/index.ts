/**
 * mtproto-errors/wire: the binary side. TL reading and writing, encoders, and decoding of
 * `rpc_result`, `rpc_error`, `gzip_packed`, `msg_container`, `bad_msg_notification`,
 * `bad_server_salt` and transport errors into typed values. Runtime-free: `Uint8Array` only, no
 * Node imports. The root entry re-exports the two decoders a first day needs.
 * @packageDocumentation
 */
export {
  BAD_MSG_CODES,
  type BadMsgAction,
  type BadMsgExplanation,
  explainBadMsgCode,
} from './bad-msg-codes.js'
export type { BytesInput } from './bytes-input.js'
export { CONSTRUCTOR_IDS, type ConstructorName, formatConstructorId } from './constructor-ids.js'
export { DecodeError, type DecodeErrorReason } from './decode-error.js'
export { decodeMessages } from './decode-messages.js'
export { DEFAULT_DECODE_LIMITS, type DecodeOptions, type GzipInflate } from './decode-options.js'
export { decodeRpcResult } from './decode-rpc-result.js'
export type {
  BadMsgNotificationMessage,
  BadServerSaltMessage,
  DecodedMessage,
  DecodedRpcResult,
  InvalidMessage,
  MessageEnvelope,
  OtherMessage,
  RpcOutcome,
  RpcResultMessage,
} from './decoded-message.js'
export { describeBytes, parseHex } from './describe.js'
export {
  type BadMsgNotificationFields,
  type BadServerSaltFields,
  type ContainerMessage,
  encodeBadMsgNotification,
  encodeBadServerSalt,
  encodeGzipPacked,
  encodeMsgContainer,
  encodeRpcError,
  encodeRpcResult,
  encodeTransportError,
} from './encoders.js'
export { inflateGzip } from './inflate-gzip.js'
export { TlReader } from './tl-reader.js'
export { TlWriter } from './tl-writer.js'
export {
  decodeTransportError,
  explainTransportError,
  type TransportErrorAction,
  type TransportErrorPacket,
} from './transport-error.js'
