import { RpcError } from '../error/index.js'
import { createInvoker, type Invoker } from '../recovery/invoker.js'
import type { InvokerOptions } from '../recovery/options.js'
import { type ConnectOptions, connect, type PlainTransport } from './plain/client.js'
import type { Cluster } from './plain/cluster.js'

/** Options of {@link createTestkitInvoker}: the invoker's (all but `send`) and the connection's. */
export interface TestkitInvokerOptions extends Omit<InvokerOptions, 'send'>, Omit<ConnectOptions, 'account'> {
  /** The account the client acts as, and the invoker's flood-key label. Omit for a logged-out client. */
  readonly account?: string
}

/** An invoker wired to a testkit cluster; `close()` also closes its connections. */
export interface TestkitInvoker extends Invoker {
  /** The connections under the invoker, for tests that inspect or cut them. */
  readonly transport: PlainTransport
}

/** Exports the authorization on the home DC and imports it on `dcId`, through `invoke` itself. */
async function copyAuthorization(invoke: Invoker, dcId: number, signal: AbortSignal): Promise<void> {
  for (let round = 1; ; round++) {
    const exported = await invoke<{ bytes: string }>('auth.exportAuthorization', { dc_id: dcId }, { signal })
    try {
      await invoke('auth.importAuthorization', { bytes: exported.bytes }, { signal, dcId })
      return
    } catch (error) {
      // An import whose answer was lost is repeated by the engine and finds its bytes used up:
      // export fresh ones, once. (Importing again where the first import worked is harmless.)
      if (round > 1 || !RpcError.is(error, 'AUTH_BYTES_INVALID')) throw error
    }
  }
}

/**
 * The recovery engine over a plain cluster, ready for a test: `send` goes through {@link connect},
 * 303s may go to any DC of the cluster, and `authorizeOn` exports the authorization on the home
 * DC and imports it on the other one through this same invoker (so those two calls are recovered
 * too). The client starts logged in, its home DC known from the world, unless `defaultDcId` says
 * where to start. Any option given replaces the default, `authorizeOn` included.
 *
 * ```ts
 * const cluster = await startCluster({ accounts: { alice: { homeDc: 2 } }, files: { photo: 4 } })
 * const invoke = createTestkitInvoker(cluster, { account: 'alice' })
 * await invoke('upload.getFile', { location: 'photo', limit: 512 }) // FILE_MIGRATE and 401 handled
 * ```
 */
export function createTestkitInvoker(cluster: Cluster, options: TestkitInvokerOptions = {}): TestkitInvoker {
  const { connectTimeoutMs, defaultDcId, ...invokerOptions } = options
  const transport = connect(cluster, {
    ...(options.account !== undefined && { account: options.account }),
    ...(connectTimeoutMs !== undefined && { connectTimeoutMs }),
    ...(defaultDcId !== undefined && { defaultDcId }),
  })
  // A logged-in client knows its home DC; a test that wants the USER_MIGRATE dance says where to
  // start instead (`defaultDcId`, with the account authorized there).
  const homeDcId =
    defaultDcId === undefined && options.account !== undefined
      ? cluster.world.homeDcOf(options.account)
      : undefined
  const invoke: Invoker = createInvoker({
    knownDcIds: cluster.dcs.map((dc) => dc.id),
    ...(homeDcId !== undefined && { homeDcId }),
    authorizeOn: (dcId, { signal }) => copyAuthorization(invoke, dcId, signal),
    ...invokerOptions,
    send: (request) => transport.send(request),
  })
  invoke.lifetimeSignal.addEventListener('abort', () => transport.close(), { once: true })
  return Object.defineProperty(invoke, 'transport', { value: transport }) as TestkitInvoker
}
