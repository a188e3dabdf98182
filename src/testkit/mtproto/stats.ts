import type { ServerLimitStats } from '../plain/server-limits.js'
import type { FramingKind } from './framing.js'

/** What the cluster's protocol machinery has seen, for assertions in tests. */
export interface MtprotoStats {
  /** TCP connections accepted, how many are open now, and the most open at once. */
  connections: { opened: number; open: number; maxOpen: number }
  /** Connections by the transport they turned out to use. */
  framings: Partial<Record<FramingKind, number>>
  /** Auth keys created by key exchanges, per DC id. */
  authKeysCreated: Record<number, number>
  /** Connections closed with a transport error (-404): bad frames, unknown keys, bad msg_keys. */
  transportErrors: number
  /** Why, with counts: `unknown auth key`, `undecryptable message (msg-key)`, ... */
  transportErrorReasons: Record<string, number>
  /** bad_server_salt notifications sent (GramJS always starts with salt 0, so expect some). */
  badServerSalts: number
  /** msg_containers, both directions (mtcute batches its first calls; we batch answers). */
  containers: { received: number; sent: number }
  /** gzip_packed, both directions (results over 256 bytes go out packed when that is smaller). */
  gzipPacked: { received: number; sent: number }
  /** API calls that reached the handler, by method. */
  calls: Record<string, number>
  /** rpc_errors answered, by error message. */
  rpcErrors: Record<string, number>
  /**
   * Faults inside the cluster itself (a handler that threw, a result that would not serialise).
   * Answered with `500 INTERNAL`; a healthy test expects this to stay empty.
   */
  internalErrors: string[]
  /** What the DCs' resource limits did (see `ServerLimits`), across the cluster. */
  limits: ServerLimitStats
}

/** Mutable counters behind {@link MtprotoStats}. */
export class StatsCollector {
  private readonly data: MtprotoStats = {
    connections: { opened: 0, open: 0, maxOpen: 0 },
    framings: {},
    authKeysCreated: {},
    transportErrors: 0,
    transportErrorReasons: {},
    badServerSalts: 0,
    containers: { received: 0, sent: 0 },
    gzipPacked: { received: 0, sent: 0 },
    calls: {},
    rpcErrors: {},
    internalErrors: [],
    limits: {
      connectionsRefused: 0,
      idleTimeouts: 0,
      partialFrameTimeouts: 0,
      bufferRefusals: 0,
      bufferedBytes: 0,
      peakBufferedBytes: 0,
    },
  }

  /** Connections open now, across the DCs sharing this collector. */
  get openConnections(): number {
    return this.data.connections.open
  }

  /** Bytes of unfinished frames held now, across the DCs sharing this collector. */
  get bufferedBytes(): number {
    return this.data.limits.bufferedBytes
  }

  /** A connection's unfinished frames grew or shrank by `deltaBytes`. */
  buffered(deltaBytes: number): void {
    const limits = this.data.limits
    limits.bufferedBytes += deltaBytes
    limits.peakBufferedBytes = Math.max(limits.peakBufferedBytes, limits.bufferedBytes)
  }

  /** A limit closed a connection. */
  limitReached(
    kind: 'connectionsRefused' | 'idleTimeouts' | 'partialFrameTimeouts' | 'bufferRefusals',
  ): void {
    this.data.limits[kind]++
  }

  /** A connection was accepted. */
  connectionOpened(): void {
    const connections = this.data.connections
    connections.opened++
    connections.open++
    connections.maxOpen = Math.max(connections.maxOpen, connections.open)
  }

  connectionClosed(): void {
    this.data.connections.open--
  }

  framing(kind: FramingKind): void {
    this.data.framings[kind] = (this.data.framings[kind] ?? 0) + 1
  }

  authKeyCreated(dcId: number): void {
    this.data.authKeysCreated[dcId] = (this.data.authKeysCreated[dcId] ?? 0) + 1
  }

  transportError(reason: string): void {
    this.data.transportErrors++
    this.data.transportErrorReasons[reason] = (this.data.transportErrorReasons[reason] ?? 0) + 1
  }

  badServerSalt(): void {
    this.data.badServerSalts++
  }

  containerReceived(): void {
    this.data.containers.received++
  }

  containerSent(): void {
    this.data.containers.sent++
  }

  gzipReceived(): void {
    this.data.gzipPacked.received++
  }

  gzipSent(): void {
    this.data.gzipPacked.sent++
  }

  call(method: string): void {
    this.data.calls[method] = (this.data.calls[method] ?? 0) + 1
  }

  rpcError(message: string): void {
    this.data.rpcErrors[message] = (this.data.rpcErrors[message] ?? 0) + 1
  }

  internalError(description: string): void {
    this.data.internalErrors.push(description)
  }

  /** A deep copy, so callers can keep it across later activity. */
  snapshot(): MtprotoStats {
    return structuredClone(this.data)
  }
}
