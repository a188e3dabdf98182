import { createServer, type Server, type Socket } from 'node:net'
import { type DcContext, MtprotoConnection } from './connection.js'
import type { AuthKeyRecord } from './session.js'

/** One simulated data centre: a TCP listener on loopback and its auth keys. */
export class DcServer {
  private readonly server: Server
  private readonly connections = new Set<MtprotoConnection>()
  private port = 0

  constructor(private readonly context: DcContext) {
    // Half-open: a client that sends and then shuts its side still gets the answers owed to it.
    this.server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
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
