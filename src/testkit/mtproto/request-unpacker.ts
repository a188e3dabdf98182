import { unzipSync } from 'node:zlib'
import { CONSTRUCTOR_IDS, type DecodeOptions, decodeMessages } from '../../wire/index.js'

/** A gzip_packed request may not inflate past this (a zip bomb would otherwise be free). */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024

const UNPACK_OPTIONS: DecodeOptions = {
  maxInflatedBytes: MAX_INFLATED_BYTES,
  // unzip, not gunzip: mtcute packs with zlib's deflate format, GramJS with gzip's; unzip reads both.
  inflate: (data, maxBytes) => {
    const inflated = unzipSync(data, { maxOutputLength: maxBytes })
    // A plain view rather than the Buffer, so requests hold one kind of bytes however they came.
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength)
  },
}

/** One request found in a message body. */
export interface UnpackedRequest {
  /** Its own msg_id inside a container; undefined for the message's lone body. */
  readonly msgId: bigint | undefined
  /** The serialized request object, constructor id first, inflated if it came gzip_packed. */
  readonly body: Uint8Array
}

/** What a message body held, and how it was wrapped (for the cluster's counters). */
export interface UnpackedBody {
  readonly requests: UnpackedRequest[]
  /** The body was a msg_container (possibly inside gzip_packed). */
  readonly container: boolean
  /** How many gzip_packed were inflated. */
  readonly gzipPacked: number
}

/**
 * Takes a client message body apart with the wire's decoder: a msg_container becomes its messages,
 * gzip_packed is inflated (at the top or per message). Throws the wire's `DecodeError` for a body
 * that cannot be framed, a gzip_packed that does not inflate within 4 MiB, or a container inside a
 * container: a message that decrypted is the client's own, so such bytes are its fault.
 */
export function unpackRequests(body: Uint8Array): UnpackedBody {
  const messages = decodeMessages(body, UNPACK_OPTIONS)
  const topId = body.length >= 4 ? readUint32(body) : undefined
  const topGzipped = topId === CONSTRUCTOR_IDS.gzip_packed
  const requests: UnpackedRequest[] = []
  let gzipPacked = topGzipped ? 1 : 0
  for (const message of messages) {
    if (message.kind === 'invalid') throw message.error
    // A client sends requests and service messages; anything the wire reads as a server's answer
    // (rpc_result, bad_msg_notification...) has no business here and is ignored, as before.
    if (message.kind !== 'other') continue
    if (message.gzipped && !topGzipped) gzipPacked++
    requests.push({ msgId: message.msgId, body: message.body })
  }
  // Only messages of a container carry their own msg_id; an empty one is told by its id.
  const container = topId === CONSTRUCTOR_IDS.msg_container || messages.some((m) => m.msgId !== undefined)
  return { requests, container, gzipPacked }
}

function readUint32(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0
}
