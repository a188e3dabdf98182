import { encodeGzipPacked, encodeRpcError, encodeRpcResult } from '../../wire/index.js'
import type { CallHandler, CallOutcome } from './call-handler.js'
import { describeError } from './describe-error.js'
import type { AuthKeyRecord, SessionState } from './session.js'
import type { StatsCollector } from './stats.js'
import type { TlCodec, TlObject } from './tl-codec.js'

/** Results larger than this go out gzip_packed (when that is smaller), as Telegram does with its configs. */
const GZIP_THRESHOLD_BYTES = 256

/** What answering a call needs from its DC. */
export interface DispatchContext {
  readonly dcId: number
  readonly codec: TlCodec
  readonly handler: CallHandler
  readonly stats: StatsCollector
}

/** An API call as it arrived: the request object, its msg_id, and the key and session it came on. */
export interface CallRequest {
  readonly record: AuthKeyRecord
  readonly session: SessionState
  readonly msgId: bigint
  readonly request: TlObject
  /** True once the connection closed; a call whose answer cannot be sent then changes nothing more. */
  readonly abandoned: () => boolean
}

/** An answer to send: `body` (an rpc_result) on the call's session; `onSent` learns the msg_id it went out in. */
export interface RpcAnswer {
  readonly body: Uint8Array
  readonly onSent?: (msgId: bigint) => void
}

/** How a call is answered: an rpc_result, or nothing (`close` also drops the connection). */
export type CallAnswer = RpcAnswer | { readonly drop: 'close' | 'silence' }

/**
 * Answers one API call: peels the `invoke*` and `initConnection` wrappers (keeping the layer and
 * client they announce on the auth key), asks the DC's handler, and serialises its outcome as an
 * rpc_result holding the result (gzip_packed when large) or an rpc_error. Never rejects: a handler
 * that throws, or a result that does not serialise at the client's layer, is answered
 * `500 INTERNAL` and listed among the cluster's internal errors.
 */
export async function answerCall(dc: DispatchContext, call: CallRequest): Promise<CallAnswer> {
  const { record, session, msgId } = call
  const query = peelWrappers(record, call.request)
  if (query === undefined || !dc.codec.isMethod(query._)) {
    return rpcErrorAnswer(dc.stats, msgId, 400, 'INPUT_METHOD_INVALID')
  }
  const method = query._
  dc.stats.call(method)
  let outcome: CallOutcome
  try {
    outcome = await dc.handler.handle({
      dcId: dc.dcId,
      authKeyId: record.authKey.id,
      sessionId: session.id,
      account: record.account,
      layer: record.layer,
      method,
      params: query,
      receipt: { channel: channelOf(dc.dcId, session), seenUpTo: max(session.ackedUpTo, msgId) },
    })
  } catch (error) {
    dc.stats.internalError(`${method}: handler threw ${describeError(error)}`)
    outcome = { error: { code: 500, message: 'INTERNAL' } }
  }
  // Checked before the outcome is applied: a sign-in whose answer is lost leaves the key unbound.
  if (call.abandoned()) return { drop: 'silence' }
  if ('drop' in outcome) {
    // A dropped call never happened as far as the client can tell; it will send it again, maybe
    // under the same msg_id, which must then be served rather than ignored as a replay.
    if (outcome.drop === 'close') session.forget(msgId)
    return { drop: outcome.drop }
  }
  if ('error' in outcome) {
    const { floodKey } = outcome
    const delivered = dc.handler.delivered?.bind(dc.handler)
    const onSent =
      floodKey === undefined || delivered === undefined
        ? undefined
        : (sentId: bigint) => delivered(floodKey, { channel: channelOf(dc.dcId, session), messageId: sentId })
    return rpcErrorAnswer(dc.stats, msgId, outcome.error.code, outcome.error.message, onSent)
  }
  let encoded: Uint8Array
  try {
    encoded = dc.codec.encodeResult(method, outcome.result, record.layer)
  } catch (error) {
    dc.stats.internalError(
      `${method}: result does not serialise at layer ${record.layer}: ${describeError(error)}`,
    )
    return rpcErrorAnswer(dc.stats, msgId, 500, 'INTERNAL')
  }
  if (outcome.authorize !== undefined) record.account = outcome.authorize ?? undefined
  const packed = packResult(encoded)
  if (packed !== encoded) dc.stats.gzipSent()
  return { body: encodeRpcResult(msgId, packed) }
}

/** An rpc_result holding `rpc_error`, counted by its message. */
export function rpcErrorAnswer(
  stats: StatsCollector,
  reqMsgId: bigint,
  code: number,
  message: string,
  onSent?: (msgId: bigint) => void,
): RpcAnswer {
  stats.rpcError(message)
  const body = encodeRpcResult(reqMsgId, encodeRpcError(code, message))
  return onSent === undefined ? { body } : { body, onSent }
}

/** A serialized result, gzip_packed when it is over the threshold and packing makes it smaller. */
export function packResult(result: Uint8Array): Uint8Array {
  if (result.length <= GZIP_THRESHOLD_BYTES) return result
  const packed = encodeGzipPacked(result)
  return packed.length < result.length ? packed : result
}

/** A session's name for flood receipts: its DC and session id. */
function channelOf(dcId: number, session: SessionState): string {
  return `${dcId}/${session.id}`
}

/**
 * invokeWithLayer, initConnection, invokeWithoutUpdates, invokeAfterMsg, ...: all carry `query`.
 * Returns the innermost query, or undefined when a wrapper holds no object.
 */
function peelWrappers(record: AuthKeyRecord, request: TlObject): TlObject | undefined {
  let query: unknown = request
  while (isTlObject(query) && isWrapper(query)) {
    if (query._ === 'invokeWithLayer') record.layer = Number(query.layer)
    if (query._ === 'initConnection') {
      record.client = {
        apiId: Number(query.apiId),
        deviceModel: String(query.deviceModel),
        appVersion: String(query.appVersion),
      }
    }
    query = query.query
  }
  return isTlObject(query) ? query : undefined
}

function isTlObject(value: unknown): value is TlObject {
  return typeof value === 'object' && value !== null && typeof (value as { _?: unknown })._ === 'string'
}

function isWrapper(obj: TlObject): boolean {
  return (obj._ === 'initConnection' || obj._.startsWith('invoke')) && 'query' in obj
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
