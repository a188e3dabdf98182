import { createServer, type Server, type Socket } from 'node:net'
import { MtprotoConnection } from './connection.js'
import type { DcContext } from './dc-context.js'
import { intermediateTransportError } from './framing.js'
import type { AuthKeyRecord } from './session.js'

/** One simulated data centre: a TCP listener on loopback and its auth keys. */
export class DcServer {
  private readonly server: Server
  private readonly connections = new Set<MtprotoConnection>()
  private port = 0

  constructor(private readonly context: DcContext) {
    // Half-open: a client that sends and then shuts its side still gets the answers owed to it.
    this.server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
      if (context.stats.openConnections >= (context.maxConnections ?? Number.POSITIVE_INFINITY)) {
        refuseConnection(socket, context)
        return
      }
      const connection = new MtprotoConnection(socket, context)
      this.connections.add(connection)
      socket.once('close', () => this.connections.delete(connection))
    })
  }

  /** The auth keys this DC knows, by id. */
  get keys(): Map<bigint, AuthKeyRecord> {
    return this.context.keys
  }

  /** Starts listening on an ephemeral port; resolves with it. */
  async listen(host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, host, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const address = this.server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
    return this.port
  }

  /** Drops every open connection, as a DC restart would; clients reconnect. */
  dropConnections(): void {
    for (const connection of this.connections) connection.destroy()
  }

  /** Stops listening and drops every connection; resolves once the listener is closed. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.dropConnections()
    await closed
  }
}

/** How long a refused connection may take to drain its transport error before it is cut, in ms. */
const REFUSAL_GRACE_MS = 1000

/** Transport error for a transport flood: too many connections. */
const TOO_MANY_CONNECTIONS = -429

/** Too many connections: Telegram writes transport error -429 (intermediate framing) and closes. */
function refuseConnection(socket: Socket, context: DcContext): void {
  context.stats.limitReached('connectionsRefused')
  socket.on('error', () => socket.destroy())
  socket.pause()
  const grace = setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS)
  socket.once('close', () => clearTimeout(grace))
  socket.end(intermediateTransportError(TOO_MANY_CONNECTIONS), () => socket.destroy())
}
