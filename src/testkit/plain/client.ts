import { createConnection, type Socket } from 'node:net'
import { setLongTimeout } from '../../recovery/long-timer.js'
import { DecodeError, decodeMessages, decodeTransportError } from '../../wire/index.js'
import { checkConnectOptions } from '../check-testkit-options.js'
import type { DcAddress } from '../cluster.js'
import { FrameReader, frame, INTERMEDIATE_TAG } from './framing.js'
import { decodePlainMessage, decodeResult, encodeCall, encodePlainMessage } from './protocol.js'

/** The connection to a DC failed or was cut before the answer came: the call's outcome is unknown. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError'
  /** Transport error code when the server sent one (-404, -429), else undefined. */
  readonly transportCode: number | undefined
  readonly dcId: number

  constructor(message: string, dcId: number, transportCode?: number) {
    super(message)
    this.dcId = dcId
    this.transportCode = transportCode
  }
}

/** One call, as the recovery engine's `send` receives it. */
export interface PlainSendRequest {
  readonly method: string
  readonly params?: unknown
  /** The DC to send to; `undefined` (home not known yet) goes to the transport's `defaultDcId`. */
  readonly dcId?: number | undefined
  readonly signal?: AbortSignal | undefined
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** The account this client acts as; omit for a client that has not logged in. */
  readonly account?: string
  /** How long a TCP connect may take, in ms (default 2000). */
  readonly connectTimeoutMs?: number
  /** Where calls go while the home DC is not known (default: the cluster's first DC). */
  readonly defaultDcId?: number
}

/** A client of the plain cluster: `send` plugs into `createInvoker({ send })`. */
export interface PlainTransport {
  /** Sends one call to `dcId`; resolves with the result or throws the `RpcError` / `ConnectionError`. */
  send(request: PlainSendRequest): Promise<unknown>
  /** Open connections (one per DC at most). */
  readonly openConnections: number
  /** Closes every connection; pending calls fail with a `ConnectionError`. */
  close(): void
}

interface Pending {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
  readonly release: () => void
}

const MAX_ANSWER_BYTES = 16 << 20

class DcConnection {
  readonly pending = new Map<bigint, Pending>()
  private readonly reader = new FrameReader(MAX_ANSWER_BYTES)
  private closed = false
  /** The highest server msg_id processed; acknowledged (see `acked`) once its turn is over. */
  private received = 0n
  private ackScheduled = false
  /**
   * The highest server msg_id acknowledged, sent with every call. Acknowledged one event-loop turn
   * after it was processed, as MTProto clients send msgs_ack lazily: by then whatever the answers
   * asked of the engine (a flood window recorded) has happened, so the server never blames a call
   * that left while an answer was still being handled.
   */
  acked = 0n
  readonly ready: Promise<void>

  constructor(
    readonly dcId: number,
    private readonly socket: Socket,
    timeoutMs: number,
    private readonly onClosed: (connection: DcConnection) => void,
  ) {
    socket.setNoDelay(true)
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setLongTimeout(() => {
        reject(new ConnectionError(`connect to DC ${dcId} timed out after ${timeoutMs} ms`, dcId))
        this.fail(new ConnectionError('connect timed out', dcId))
      }, timeoutMs)
      socket.once('connect', () => {
        timer.cancel()
        socket.write(uint32(INTERMEDIATE_TAG))
        resolve()
      })
      socket.once('close', () => {
        timer.cancel()
        reject(new ConnectionError(`connection to DC ${dcId} closed`, dcId))
      })
    })
    // A rejected `ready` that nobody awaits must not become an unhandled rejection.
    this.ready.catch(() => {})
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', (error) => this.fail(new ConnectionError(`DC ${dcId}: ${error.message}`, dcId)))
    socket.on('close', () => this.fail(new ConnectionError(`connection to DC ${dcId} closed`, dcId)))
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  private receive(chunk: Buffer): void {
    let packets: Uint8Array[]
    try {
      packets = this.reader.push(chunk)
    } catch {
      this.fail(new ConnectionError(`DC ${this.dcId} sent an impossible frame length`, this.dcId))
      return
    }
    for (const packet of packets) {
      const transport = decodeTransportError(packet)
      if (transport !== undefined) {
        this.fail(
          new ConnectionError(
            `DC ${this.dcId} sent transport error ${transport.code}`,
            this.dcId,
            transport.code,
          ),
        )
        return
      }
      try {
        const message = decodePlainMessage(packet)
        if (message.msgId > this.received) this.received = message.msgId
        this.dispatch(message.body)
      } catch (error) {
        const reason = error instanceof DecodeError ? error.message : String(error)
        this.fail(new ConnectionError(`DC ${this.dcId} sent bytes that do not decode: ${reason}`, this.dcId))
        return
      }
    }
    if (this.received > this.acked && !this.ackScheduled) {
      this.ackScheduled = true
      setImmediate(() => {
        this.ackScheduled = false
        this.acked = this.received
      })
    }
  }

  private dispatch(body: Uint8Array): void {
    for (const message of decodeMessages(body)) {
      if (message.kind !== 'rpc_result' && message.kind !== 'invalid') continue
      const reqMsgId = message.reqMsgId
      const pending = reqMsgId === undefined ? undefined : this.pending.get(reqMsgId)
      if (pending === undefined || reqMsgId === undefined) continue
      this.pending.delete(reqMsgId)
      pending.release()
      if (message.kind === 'invalid') pending.reject(message.error)
      else if (message.outcome.ok) {
        try {
          pending.resolve(decodeResult(message.outcome.body))
        } catch (error) {
          pending.reject(error)
        }
      } else pending.reject(message.outcome.error)
    }
  }

  /** Ends the connection and every call waiting on it. Idempotent. */
  fail(error: ConnectionError): void {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    for (const pending of this.pending.values()) {
      pending.release()
      pending.reject(error)
    }
    this.pending.clear()
    this.onClosed(this)
  }
}

function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, value, true)
  return bytes
}

/**
 * Connects to a plain cluster. Connections are opened per DC on first use and opened again after
 * they fail, so a DC that restarts is reached by the next call. Answers are decoded with the wire
 * decoder; an `rpc_error` is thrown as the `RpcError` it decodes to.
 */
export function connect(
  cluster: { readonly dcs: readonly DcAddress[] },
  options: ConnectOptions = {},
): PlainTransport {
  checkConnectOptions(options)
  const connections = new Map<number, DcConnection>()
  const timeoutMs = options.connectTimeoutMs ?? 2000
  // msg_id carries unix time in its high 32 bits, as MTProto's do.
  let nextMsgId = BigInt(Math.floor(Date.now() / 1000)) << 32n
  let closed = false

  const connectionTo = (dcId: number): DcConnection => {
    const existing = connections.get(dcId)
    if (existing) return existing
    const address = cluster.dcs.find((dc) => dc.id === dcId)
    if (!address) throw new ConnectionError(`no DC ${dcId} in this cluster`, dcId)
    const socket = createConnection({ host: address.host, port: address.port })
    const connection = new DcConnection(dcId, socket, timeoutMs, (gone) => {
      if (connections.get(dcId) === gone) connections.delete(dcId)
    })
    connections.set(dcId, connection)
    return connection
  }

  return {
    get openConnections() {
      return connections.size
    },
    async send({ method, params, dcId: requestedDcId, signal }) {
      const dcId = requestedDcId ?? options.defaultDcId ?? (cluster.dcs[0] as DcAddress).id
      if (closed) throw new ConnectionError('the transport is closed', dcId)
      signal?.throwIfAborted()
      const connection = connectionTo(dcId)
      await connection.ready
      signal?.throwIfAborted()
      // Client msg_ids grow and are divisible by 4, as the protocol asks of a client.
      nextMsgId += 4n
      const msgId = nextMsgId
      const packet = frame(
        encodePlainMessage(msgId, encodeCall(options.account, method, params, connection.acked)),
      )
      return new Promise<unknown>((resolve, reject) => {
        const onAbort = () => {
          if (connection.pending.delete(msgId)) reject(signal?.reason)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        connection.pending.set(msgId, {
          resolve,
          reject,
          release: () => signal?.removeEventListener('abort', onAbort),
        })
        connection.write(packet)
      })
    },
    close() {
      closed = true
      for (const connection of [...connections.values()]) {
        connection.fail(new ConnectionError('the transport was closed', connection.dcId))
      }
    },
  }
}
