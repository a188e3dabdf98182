import { type BytesInput, toBytes } from './bytes-input.js'

/**
 * What to do about a transport error:
 * - `recreate-auth-key`: the DC does not know the auth key (or the packet was malformed); make a new key;
 * - `back-off-and-reconnect`: transport flood; wait before opening connections or sending more;
 * - `check-dc-id`: the DC id given (auth key creation, MTProxy) is not valid;
 * - `do-not-retry`: refused, as HTTP 403 would be;
 * - `reconnect`: an undocumented code; reconnect and hope.
 */
export type TransportErrorAction =
  | 'recreate-auth-key'
  | 'back-off-and-reconnect'
  | 'check-dc-id'
  | 'do-not-retry'
  | 'reconnect'

/** A transport-level error: a 4-byte packet holding a negative number instead of an MTProto message. */
export interface TransportErrorPacket {
  /** The number as sent, negative: -404, -429, -444, ... */
  readonly code: number
  /** What it means, in plain words. */
  readonly meaning: string
  /** The recommended recovery. */
  readonly action: TransportErrorAction
  /** Whether the code is documented. */
  readonly known: boolean
}

const KNOWN: Readonly<Record<number, readonly [meaning: string, action: TransportErrorAction]>> = {
  [-403]: ['forbidden: refused as an HTTP 403 would be', 'do-not-retry'],
  [-404]: [
    'auth key not found by this DC, or MTProto fields were wrong (a length past the packet, ...)',
    'recreate-auth-key',
  ],
  [-429]: [
    'transport flood: too many connections from this IP, or a container or ack limit was exceeded',
    'back-off-and-reconnect',
  ],
  [-444]: ['invalid DC id (while creating an auth key or connecting to an MTProxy)', 'check-dc-id'],
}

/**
 * HTTP-like codes have at most three digits; a larger negative number is not a transport error
 * (a stray quick-ack token, whose top bit is set, reads as one).
 */
const MIN_CODE = -999

/**
 * Recognises a transport error in one packet (the transport's framing already removed): exactly 4
 * bytes, a little-endian int32 from -1 to -999. Returns `undefined` for any other bytes; throws
 * only a `TypeError` when `input` is not bytes at all.
 */
export function decodeTransportError(input: BytesInput): TransportErrorPacket | undefined {
  const packet = toBytes(input, 'decodeTransportError')
  if (packet.length !== 4) return undefined
  const code = packet[0]! | (packet[1]! << 8) | (packet[2]! << 16) | (packet[3]! << 24)
  return code < 0 && code >= MIN_CODE ? explainTransportError(code) : undefined
}

/** Explains a transport error code, given negative (-404) as on the wire. */
export function explainTransportError(code: number): TransportErrorPacket {
  const known = KNOWN[code]
  if (known !== undefined) return { code, meaning: known[0], action: known[1], known: true }
  return { code, meaning: `undocumented transport error ${code}`, action: 'reconnect', known: false }
}
