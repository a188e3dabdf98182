import { explainBadMsgCode } from './bad-msg-codes.js'
import { type BytesInput, toBytes } from './bytes-input.js'
import { CONSTRUCTOR_IDS } from './constructor-ids.js'
import {
  createDecodeContext,
  type DecodeContext,
  insideGzip,
  readerFor,
  readGzipPacked,
  toCallerOffsets,
} from './decode-context.js'
import { DecodeError } from './decode-error.js'
import type { DecodeOptions } from './decode-options.js'
import { readRpcResult } from './decode-rpc-result.js'
import type { DecodedMessage } from './decoded-message.js'
import { TlReader } from './tl-reader.js'

/** msg_id, seqno and length: the least room one message of a container takes. */
const MESSAGE_HEADER_BYTES = 16

/**
 * Decodes the body of one incoming message: the messages of a `msg_container`, in order, or the
 * lone message itself (then `msgId` and `seqNo` are `undefined`); `gzip_packed` is unwrapped.
 * An `rpc_error` is a value (an outcome), so it never stops the messages after it; neither does an
 * inner message whose body is bad, which becomes `{ kind: 'invalid' }`. Throws {@link DecodeError}
 * only when the input as a whole cannot be framed (truncated container, 2 GB length, ...), and a
 * `TypeError` when `body` is not bytes at all.
 */
export function decodeMessages(body: BytesInput, options?: DecodeOptions): DecodedMessage[] {
  const bytes = toBytes(body, 'decodeMessages')
  const context = createDecodeContext(options)
  return readTopLevel(readerFor(bytes, context), context)
}

function readTopLevel(reader: TlReader, context: DecodeContext): DecodedMessage[] {
  const at = reader.offset
  const id = reader.peekUint()
  if (id === CONSTRUCTOR_IDS.msg_container) {
    reader.skip(4)
    return readContainer(reader, context)
  }
  if (id === CONSTRUCTOR_IDS.gzip_packed && context.gzipAt === undefined) {
    reader.skip(4)
    const inflated = readGzipPacked(reader, context, at)
    return insideGzip(context, at, () => readTopLevel(readerFor(inflated, context), context))
  }
  return [readMessage(reader, context, undefined, undefined)]
}

function readContainer(reader: TlReader, context: DecodeContext): DecodedMessage[] {
  const countAt = reader.offset
  const count = reader.uint()
  const { maxContainerMessages, maxFieldBytes } = context.options
  if (count > maxContainerMessages) {
    throw new DecodeError(
      'oversized',
      countAt,
      `container of ${count} messages, limit ${maxContainerMessages}`,
    )
  }
  // Checked before the loop, so a count the input cannot hold fails at once.
  if (count * MESSAGE_HEADER_BYTES > reader.remaining) {
    throw new DecodeError(
      'truncated',
      countAt,
      `${count} messages cannot fit in the ${reader.remaining} bytes left`,
    )
  }
  const messages: DecodedMessage[] = []
  for (let i = 0; i < count; i++) {
    const msgId = reader.long()
    const seqNo = reader.int()
    const lengthAt = reader.offset
    const length = reader.uint()
    if (length > maxFieldBytes) {
      throw new DecodeError('oversized', lengthAt, `message of ${length} bytes, limit ${maxFieldBytes}`)
    }
    if (length % 4 !== 0)
      throw new DecodeError('bad-length', lengthAt, `message length ${length} is not a multiple of 4`)
    const bodyAt = reader.offset
    reader.skip(length, `message body of ${length} bytes`)
    const inner = readerFor(reader.data, context, bodyAt, bodyAt + length)
    try {
      messages.push(readMessage(inner, context, msgId, seqNo))
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      const bodyBytes = reader.data.subarray(bodyAt, bodyAt + length)
      messages.push({
        kind: 'invalid',
        msgId,
        seqNo,
        error: toCallerOffsets(error, context),
        reqMsgId: peekReqMsgId(bodyBytes),
        body: bodyBytes,
      })
    }
  }
  reader.expectEnd('msg_container')
  return messages
}

/** Decodes one message body; `reader` ends where the body does. */
function readMessage(
  reader: TlReader,
  context: DecodeContext,
  msgId: bigint | undefined,
  seqNo: number | undefined,
): DecodedMessage {
  const at = reader.offset
  const id = reader.uint()
  switch (id) {
    case CONSTRUCTOR_IDS.rpc_result: {
      const { reqMsgId, outcome } = readRpcResult(reader, context)
      return { kind: 'rpc_result', msgId, seqNo, reqMsgId, outcome }
    }
    case CONSTRUCTOR_IDS.bad_msg_notification: {
      const badMsgId = reader.long()
      const badMsgSeqno = reader.int()
      const errorCode = reader.int()
      reader.expectEnd('bad_msg_notification')
      const { meaning, action } = explainBadMsgCode(errorCode)
      return { kind: 'bad_msg_notification', msgId, seqNo, badMsgId, badMsgSeqno, errorCode, meaning, action }
    }
    case CONSTRUCTOR_IDS.bad_server_salt: {
      const badMsgId = reader.long()
      const badMsgSeqno = reader.int()
      const errorCode = reader.int()
      const newServerSalt = reader.long()
      reader.expectEnd('bad_server_salt')
      // The salt is the whole point of this constructor, whatever its code says.
      const meaning = explainBadMsgCode(errorCode).meaning
      return {
        kind: 'bad_server_salt',
        msgId,
        seqNo,
        badMsgId,
        badMsgSeqno,
        errorCode,
        newServerSalt,
        meaning,
        action: 'resend-with-new-salt',
      }
    }
    case CONSTRUCTOR_IDS.gzip_packed: {
      const inflated = readGzipPacked(reader, context, at)
      return insideGzip(context, at, () => readMessage(readerFor(inflated, context), context, msgId, seqNo))
    }
    case CONSTRUCTOR_IDS.msg_container:
      throw new DecodeError('nested-container', at, 'a msg_container may not carry another container')
    default:
      reader.offset = at
      return {
        kind: 'other',
        msgId,
        seqNo,
        constructorId: id,
        body: reader.rest(),
        gzipped: context.gzipAt !== undefined,
      }
  }
}

/** The req_msg_id of a body that starts like an `rpc_result`, for reporting an invalid one. */
function peekReqMsgId(body: Uint8Array): bigint | undefined {
  const reader = new TlReader(body)
  return reader.remaining >= 12 && reader.uint() === CONSTRUCTOR_IDS.rpc_result ? reader.long() : undefined
}
