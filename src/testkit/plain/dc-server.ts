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
import { type AnswerFault, chooseAnswerFault, type TransportFaults } from './transport-faults.js'

/** Largest request the server accepts; a claim above it closes the connection. */
const MAX_REQUEST_BYTES = 1 << 20

/** Counters one DC keeps for the cluster's report. */
export interface DcCounters {
  connections: number
  maxConcurrentConnections: number
  openConnections: number
  requests: number
  badFrames: number
  faults: Record<Exclude<AnswerFault, undefined> | 'slow' | 'gzip', number>
}

/** Connections open across the whole cluster, and the most seen at once. */
export interface ConnectionGauge {
  open: number
  max: number
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
  tagged: boolean
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
    faults: { drop: 0, 'half-frame': 0, garbage: 0, slow: 0, gzip: 0 },
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
    private readonly faults: TransportFaults,
    private readonly host: string,
    private readonly clusterConnections: ConnectionGauge,
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

  private accept(socket: Socket): void {
    socket.setNoDelay(true)
    const connection: Connection = {
      channel: `${this.id}/${this.nextChannel++}`,
      socket,
      reader: new FrameReader(MAX_REQUEST_BYTES),
      tagged: false,
      batch: [],
      flushScheduled: false,
      closed: false,
    }
    this.connections.add(connection)
    const counters = this.counters
    counters.connections++
    counters.openConnections++
    counters.maxConcurrentConnections = Math.max(counters.maxConcurrentConnections, counters.openConnections)
    this.clusterConnections.open++
    this.clusterConnections.max = Math.max(this.clusterConnections.max, this.clusterConnections.open)
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk))
    socket.on('error', () => this.close(connection))
    socket.on('close', () => {
      if (this.connections.delete(connection)) {
        counters.openConnections--
        this.clusterConnections.open--
      }
      connection.closed = true
    })
  }

  private receive(connection: Connection, chunk: Buffer): void {
    let data: Uint8Array = chunk
    if (!connection.tagged) {
      if (
        data.length < 4 ||
        new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) !== INTERMEDIATE_TAG
      ) {
        this.reject(connection)
        return
      }
      connection.tagged = true
      data = data.subarray(4)
    }
    let packets: Uint8Array[]
    try {
      packets = connection.reader.push(data)
    } catch {
      this.reject(connection)
      return
    }
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

  private serve(connection: Connection, request: PlainRequest): void {
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
      case 'drop':
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

  /** Bad input: the real server writes transport error -404 and closes. */
  private reject(connection: Connection): void {
    this.counters.badFrames++
    if (!connection.closed) connection.socket.end(transportError(-404))
    connection.closed = true
  }

  private close(connection: Connection): void {
    connection.closed = true
    connection.socket.destroy()
  }
}
