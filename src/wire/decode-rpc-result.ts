import { RpcError } from '../error/index.js'
import { type BytesInput, toBytes } from './bytes-input.js'
import { CONSTRUCTOR_IDS } from './constructor-ids.js'
import {
  createDecodeContext,
  type DecodeContext,
  insideGzip,
  readerFor,
  readGzipPacked,
} from './decode-context.js'
import type { DecodeOptions } from './decode-options.js'
import type { DecodedRpcResult, RpcOutcome } from './decoded-message.js'
import type { TlReader } from './tl-reader.js'

/**
 * Decodes one `rpc_result` (`bytes` is the whole object, constructor id first): which call it
 * answers, and either the `RpcError` it carries (also when wrapped in `gzip_packed`) or the
 * result's bytes, a view into `bytes` (or the inflated data) for the caller's own deserializer.
 * Synchronous; throws only {@link DecodeError} for bad bytes, and a `TypeError` when `bytes` is not
 * bytes at all.
 */
export function decodeRpcResult(bytes: BytesInput, options?: DecodeOptions): DecodedRpcResult {
  const context = createDecodeContext(options)
  const reader = readerFor(toBytes(bytes, 'decodeRpcResult'), context)
  reader.expectConstructor(CONSTRUCTOR_IDS.rpc_result, 'rpc_result')
  return readRpcResult(reader, context)
}

/** Reads an `rpc_result` after its constructor id; the object must end where `reader` does. */
export function readRpcResult(reader: TlReader, context: DecodeContext): DecodedRpcResult {
  const reqMsgId = reader.long()
  return { reqMsgId, outcome: readOutcome(reader, context) }
}

function readOutcome(reader: TlReader, context: DecodeContext): RpcOutcome {
  const at = reader.offset
  const id = reader.peekUint()
  if (id === CONSTRUCTOR_IDS.rpc_error) {
    reader.skip(4)
    const code = reader.int()
    const message = reader.string()
    reader.expectEnd('rpc_error')
    return { ok: false, error: RpcError.from(code, message), gzipped: context.gzipAt !== undefined }
  }
  if (id === CONSTRUCTOR_IDS.gzip_packed) {
    reader.skip(4)
    const inflated = readGzipPacked(reader, context, at)
    return insideGzip(context, at, () => readOutcome(readerFor(inflated, context), context))
  }
  return { ok: true, body: reader.rest(), gzipped: context.gzipAt !== undefined }
}
