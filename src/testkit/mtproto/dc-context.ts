import type { CallHandler } from './call-handler.js'
import type { ServerRsaKey } from './rsa-key.js'
import type { AuthKeyRecord, MsgIdClock } from './session.js'
import type { StatsCollector } from './stats.js'
import type { TlCodec } from './tl-codec.js'

/** What every connection of one DC shares. */
export interface DcContext {
  readonly dcId: number
  readonly codec: TlCodec
  readonly rsa: ServerRsaKey
  readonly handler: CallHandler
  /** This DC's auth keys by id. */
  readonly keys: Map<bigint, AuthKeyRecord>
  readonly clock: MsgIdClock
  readonly stats: StatsCollector
  /** Connections that send nothing this long are closed (`Infinity`: never). */
  readonly idleTimeoutMs: number
  /** A frame unfinished this long closes its connection (default: never, for contexts built by hand). */
  readonly partialFrameTimeoutMs?: number
  /** Bytes of unfinished frames all connections sharing `stats` may hold (default: no bound). */
  readonly maxBufferedBytes?: number
  /** Connections all DCs sharing `stats` may have open; one more gets -429 (default: no bound). */
  readonly maxConnections?: number
}
