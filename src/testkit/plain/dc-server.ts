import { createServer, type Server, type Socket } from 'node:net'
import { type LongTimer, setLongTimeout } from '../../recovery/long-timer.js'
import { encodeGzipPacked, encodeMsgContainer, encodeRpcError, encodeRpcResult } from '../../wire/index.js'
import type { World } from '../world/index.js'
import { FrameReader, frame, INTERMEDIATE_TAG } from './framing.js'
import {
  decodeCall,
  decodePlainMessage,
  encodePlainMessage,
  encodeResult,
  type PlainRequest,
} from './protocol.js'
import type { ResolvedServerLimits } from './server-limits.js'
import { type AnswerFault, chooseAnswerFault, type PlainTransportFaults } from './transport-faults.js'

/** How long a refused connection may take to drain its transport error before it is cut, in ms. */
const REFUSAL_GRACE_MS = 1000
const TAG_BYTE = INTERMEDIATE_TAG & 0xff

/** Counters one DC keeps for the cluster's report. */
export interface DcCounters {
  connections: number
  maxConcurrentConnections: number
  openConnections: number
  requests: number
  badFrames: number
  /** Connections closed on arrival because the cluster already had `maxConnections` open. */
  connectionsRefused: number
  /** Connections closed after `idleTimeoutMs` without a byte. */
  idleTimeouts: number
  /** Connections closed because a request was not finished within `partialFrameTimeoutMs`. */
  partialFrameTimeouts: number
  /** Connections refused because their unfinished requests would pass `maxBufferedBytes`. */
  bufferRefusals: number
  faults: Record<Exclude<AnswerFault, undefined> | 'drop-request' | 'slow' | 'gzip', number>
}

/** What the whole cluster holds, shared by its DCs: connections and bytes of unfinished requests. */
export interface ClusterGauge {
  open: number
  max: number
  bufferedBytes: number
  peakBufferedBytes: number
}

/** The 4-byte transport error the real server writes before closing on bad input. */
function transportError(code: number): Uint8Array {
  const packet = new Uint8Array(4)
  new DataView(packet.buffer).setInt32(0, code, true)
  return frame(packet)
}

/** An answer waiting to be written, with the flood key it announces a wait for, if any. */
interface ReadyAnswer {
  readonly bytes: Uint8Array
  readonly floodKey: string | undefined
}

interface Connection {
  /** Names the connection in the world's flood notices: unique across the cluster's DCs. */
  readonly channel: string
  readonly socket: Socket
  readonly reader: FrameReader
  /** Bytes of the transport tag read so far (4: chosen); the tag may arrive split across segments. */
  tagBytes: number
  /** Bytes of unfinished requests this connection has charged to the cluster's gauge. */
  charged: number
  /** Armed while a request is unfinished; closes the connection when it stays so too long. */
  partialTimer: ReturnType<typeof setTimeout> | undefined
  /** Armed once the connection is refused, in case the peer never lets the error drain. */
  graceTimer: ReturnType<typeof setTimeout> | undefined
  /** Answers ready in this tick; flushed together, in one container when there are several. */
  batch: ReadyAnswer[]
  flushScheduled: boolean
  closed: boolean
}

/**
 * One simulated data centre: a TCP server on loopback speaking the intermediate transport. It asks
 * the world what to answer, injects the configured transport faults, and writes real TL.
 */
export class DcServer {
  readonly counters: DcCounters = {
    connections: 0,
    maxConcurrentConnections: 0,
    openConnections: 0,
    requests: 0,
    badFrames: 0,
    connectionsRefused: 0,
    idleTimeouts: 0,
    partialFrameTimeouts: 0,
    bufferRefusals: 0,
    faults: { 'drop-request': 0, 'drop-answer': 0, 'half-frame': 0, garbage: 0, slow: 0, gzip: 0 },
  }
  private server: Server | undefined
  private readonly connections = new Set<Connection>()
  private readonly timers = new Set<LongTimer>()
  private nextMsgId = 1n
  private nextChannel = 1
  private boundPort = 0

  constructor(
    readonly id: number,
    private readonly world: World,
    private readonly faults: PlainTransportFaults,
    private readonly host: string,
    private readonly gauge: ClusterGauge,
    private readonly limits: ResolvedServerLimits,
  ) {}

  /** The port it listens on (0 until started). */
  get port(): number {
    return this.boundPort
  }

  /** Whether it is accepting connections. */
  get running(): boolean {
    return this.server !== undefined
  }

  /** Starts listening: on `port` (0 picks a free one; a restarted DC reuses its old port). */
  async start(port = this.boundPort): Promise<void> {
    if (this.server) return
    const server = createServer((socket) => this.accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.boundPort = (server.address() as { port: number }).port
    this.server = server
  }

  /** Stops listening and cuts every connection, as a crashed DC would. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    for (const timer of this.timers) timer.cancel()
    this.timers.clear()
    for (const connection of this.connections) this.close(connection)
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Cuts every open connection, and keeps listening: clients reconnect on their next call. */
  dropConnections(): void {
    for (const connection of this.connections) this.close(connection)
  }

  private accept(socket: Socket): void {
    // A connection accepted while stop() runs would outlive it and keep the listener from closing.
    if (!this.server) {
      socket.destroy()
      return
    }
    socket.setNoDelay(true)
    const counters = this.counters
    const gauge = this.gauge
    if (gauge.open >= this.limits.maxConnections) {
      // Telegram's answer to too many connections: transport error -429, then close.
      counters.connectionsRefused++
      socket.on('error', () => socket.destroy())
      socket.pause()
      const grace = setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS)
      socket.once('close', () => clearTimeout(grace))
      socket.end(transportError(-429), () => socket.destroy())
      return
    }
    const connection: Connection = {
      channel: `${this.id}/${this.nextChannel++}`,
      socket,
      reader: new FrameReader(this.limits.maxRequestBytes),
      tagBytes: 0,
      charged: 0,
      partialTimer: undefined,
      graceTimer: undefined,
      batch: [],
      flushScheduled: false,
      closed: false,
    }
    this.connections.add(connection)
    counters.connections++
    counters.openConnections++
    counters.maxConcurrentConnections = Math.max(counters.maxConcurrentConnections, counters.openConnections)
    gauge.open++
    gauge.max = Math.max(gauge.max, gauge.open)
    if (this.limits.idleTimeoutMs !== Number.POSITIVE_INFINITY) {
      socket.setTimeout(this.limits.idleTimeoutMs, () => {
        if (connection.closed) return
        counters.idleTimeouts++
        this.close(connection)
      })
    }
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk))
    socket.on('error', () => this.close(connection))
    socket.on('close', () => {
      if (this.connections.delete(connection)) {
        counters.openConnections--
        gauge.open--
      }
      connection.closed = true
      this.settleBuffer(connection)
      clearTimeout(connection.partialTimer)
      clearTimeout(connection.graceTimer)
    })
  }

  private receive(connection: Connection, chunk: Buffer): void {
    // A refused connection is paused, but a chunk already read may still be delivered: ignore it.
    if (connection.closed) return
    let data: Uint8Array = chunk
    if (connection.tagBytes < 4) {
      const tagEnd = Math.min(data.length, 4 - connection.tagBytes)
      for (let i = 0; i < tagEnd; i++) {
        if (data[i] !== TAG_BYTE) {
          this.reject(connection)
          return
        }
      }
      connection.tagBytes += tagEnd
      data = data.subarray(tagEnd)
    }
    const gauge = this.gauge
    const othersHold = gauge.bufferedBytes - connection.charged
    if (othersHold + connection.reader.pending + data.length > this.limits.maxBufferedBytes) {
      this.counters.bufferRefusals++
      this.reject(connection)
      return
    }
    let packets: Uint8Array[]
    try {
      packets = connection.reader.push(data)
    } catch {
      this.reject(connection)
      return
    }
    this.settleBuffer(connection)
    this.watchPartialFrame(connection, packets.length > 0)
    for (const packet of packets) {
      let request: PlainRequest
      try {
        const message = decodePlainMessage(packet)
        request = decodeCall(message.msgId, message.body)
      } catch {
        this.reject(connection)
        return
      }
      this.counters.requests++
      this.serve(connection, request)
    }
  }

  /** Brings the cluster's count of buffered bytes up to date with this connection's. */
  private settleBuffer(connection: Connection): void {
    // A tag still arriving counts too: tests poll this figure to know each segment has landed.
    const tag = connection.tagBytes < 4 ? connection.tagBytes : 0
    const held = connection.closed ? 0 : connection.reader.pending + tag
    const gauge = this.gauge
    gauge.bufferedBytes += held - connection.charged
    gauge.peakBufferedBytes = Math.max(gauge.peakBufferedBytes, gauge.bufferedBytes)
    connection.charged = held
  }

  /**
   * Times the request being received: from its first byte (or the end of the one before it) until
   * it is whole. Idle time alone would let a peer hold a buffer for ever by sending a byte a minute.
   */
  private watchPartialFrame(connection: Connection, finishedOne: boolean): void {
    const unfinished = connection.reader.pending > 0 || connection.tagBytes < 4
    if (finishedOne || !unfinished) {
      clearTimeout(connection.partialTimer)
      connection.partialTimer = undefined
    }
    const timeoutMs = this.limits.partialFrameTimeoutMs
    if (!unfinished || connection.partialTimer !== undefined || timeoutMs === Number.POSITIVE_INFINITY) return
    connection.partialTimer = setTimeout(() => {
      connection.partialTimer = undefined
      if (connection.closed) return
      this.counters.partialFrameTimeouts++
      this.close(connection)
    }, timeoutMs)
  }

  private serve(connection: Connection, request: PlainRequest): void {
    // Drawn only when asked for, so a seeded run without it keeps every other decision it had.
    const dropRequest = this.faults.dropRequestRate ?? 0
    if (dropRequest > 0 && this.world.random() < dropRequest) {
      this.counters.faults['drop-request']++
      this.close(connection)
      return
    }
    const outcome = this.world.handle({
      dcId: this.id,
      account: request.account,
      method: request.method,
      params: request.params,
      receipt: { channel: connection.channel, seenUpTo: request.seenMsgId },
    })
    let result =
      outcome.kind === 'ok' ? encodeResult(outcome.value) : encodeRpcError(outcome.code, outcome.message)
    const random = this.world.random
    if (random() < (this.faults.gzipRate ?? 0)) {
      this.counters.faults.gzip++
      result = encodeGzipPacked(result)
    }
    const answer: ReadyAnswer = {
      bytes: encodeRpcResult(request.msgId, result),
      floodKey: outcome.kind === 'error' ? outcome.floodKey : undefined,
    }
    const fault = chooseAnswerFault(this.faults, random())
    const slow = random() < (this.faults.slowRate ?? 0)
    const deliver = () => this.deliver(connection, answer, fault)
    if (slow) {
      this.counters.faults.slow++
      const timer = setLongTimeout(
        () => {
          this.timers.delete(timer)
          deliver()
        },
        Math.floor(random() * (this.faults.slowMs ?? 200)),
      )
      this.timers.add(timer)
    } else deliver()
  }

  private deliver(connection: Connection, answer: ReadyAnswer, fault: AnswerFault): void {
    if (connection.closed) return
    if (fault !== undefined) this.counters.faults[fault]++
    switch (fault) {
      case 'drop-answer':
        this.close(connection)
        return
      case 'half-frame': {
        const framed = frame(encodePlainMessage(this.takeMsgId(), answer.bytes))
        connection.socket.end(framed.subarray(0, Math.max(1, framed.length >> 1)))
        connection.closed = true
        return
      }
      case 'garbage': {
        const junk = new Uint8Array(24)
        for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(this.world.random() * 256)
        connection.socket.end(frame(junk))
        connection.closed = true
        return
      }
      default:
        connection.batch.push(answer)
        if (!connection.flushScheduled) {
          connection.flushScheduled = true
          setImmediate(() => this.flush(connection))
        }
    }
  }

  private flush(connection: Connection): void {
    connection.flushScheduled = false
    const batch = connection.batch
    connection.batch = []
    if (connection.closed || batch.length === 0) return
    const body =
      batch.length === 1
        ? (batch[0] as ReadyAnswer).bytes
        : encodeMsgContainer(
            batch.map((answer, i) => ({ msgId: this.takeMsgId(), seqNo: i * 2 + 1, body: answer.bytes })),
          )
    const msgId = this.takeMsgId()
    connection.socket.write(frame(encodePlainMessage(msgId, body)))
    // The client acknowledges the outer message id (its msg_id is the highest of the frame's), so
    // that is what a refusal inside it is known by.
    for (const answer of batch) {
      if (answer.floodKey !== undefined)
        this.world.noticeDelivered(answer.floodKey, { channel: connection.channel, messageId: msgId })
    }
  }

  /** Server msg_ids are odd and increasing, as the protocol requires of answers. */
  private takeMsgId(): bigint {
    const id = this.nextMsgId * 4n + 1n
    this.nextMsgId++
    return id
  }

  /**
   * Bad input: the real server writes transport error -404 and closes. Nothing more is read from
   * the connection, so a peer that keeps sending is neither served nor counted again.
   */
  private reject(connection: Connection): void {
    if (connection.closed) return
    this.counters.badFrames++
    connection.closed = true
    connection.batch = []
    this.settleBuffer(connection)
    clearTimeout(connection.partialTimer)
    const socket = connection.socket
    socket.pause()
    connection.graceTimer = setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS)
    socket.end(transportError(-404), () => socket.destroy())
  }

  private close(connection: Connection): void {
    connection.closed = true
    connection.socket.destroy()
  }
}
