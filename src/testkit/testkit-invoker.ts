import { RpcError } from '../error/index.js'
import { checkInvokerOptions } from '../recovery/check-options.js'
import { createInvoker, type Invoker } from '../recovery/invoker.js'
import type { InvokerOptions } from '../recovery/options.js'
import { checkConnectOptions } from './check-testkit-options.js'
import type { DcAddress } from './cluster.js'
import { type ConnectOptions, connect, type PlainTransport } from './plain/client.js'
import type { PlainCluster } from './plain/cluster.js'

/**
 * A plain cluster running in another process, as the first line of
 * `mtproto-errors serve --protocol plain --json` describes it (after `JSON.parse`): its DCs and the
 * home DC of each account.
 */
export interface ServedPlainCluster {
  readonly protocol?: 'plain'
  readonly dcs: readonly DcAddress[]
  readonly accounts?: Readonly<Record<string, { readonly homeDcId: number }>>
}

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
 * where to start (the account must be authorized there: `authorizedOn`). Any option given replaces
 * the default, `authorizeOn` included. `cluster` may also be a plain cluster in another process:
 * the object `mtproto-errors serve --protocol plain --json` prints first.
 *
 * ```ts
 * const cluster = await startCluster({ accounts: { alice: { homeDcId: 2 } }, files: { photo: 4 } })
 * const invoke = createTestkitInvoker(cluster, { account: 'alice' })
 * await invoke('upload.getFile', { location: 'photo', limit: 512 }) // FILE_MIGRATE and 401 handled
 * ```
 */
export function createTestkitInvoker(
  cluster: PlainCluster | ServedPlainCluster,
  options: TestkitInvokerOptions = {},
): TestkitInvoker {
  checkCluster(cluster)
  checkInvokerOptions(options, 'createTestkitInvoker', false)
  checkConnectOptions(options, 'createTestkitInvoker')
  const { connectTimeoutMs, defaultDcId, ...invokerOptions } = options
  const { account } = options
  const home = account === undefined ? undefined : homeDcIdOf(cluster, account)
  if (account !== undefined && defaultDcId !== undefined && 'world' in cluster) {
    checkAuthorizedOn(cluster, account, defaultDcId)
  }
  const transport = connect(cluster, {
    ...(account !== undefined && { account }),
    ...(connectTimeoutMs !== undefined && { connectTimeoutMs }),
    ...(defaultDcId !== undefined && { defaultDcId }),
  })
  // A logged-in client knows its home DC; a test that wants the USER_MIGRATE dance says where to
  // start instead (`defaultDcId`, with the account authorized there).
  const homeDcId = defaultDcId === undefined ? home : undefined
  const invoke: Invoker = createInvoker({
    knownDcIds: cluster.dcs.map((dc) => dc.id),
    ...(homeDcId !== undefined && { homeDcId }),
    // The world logs the account in on its home DC from the start: a 401 there is a lost session.
    ...(account !== undefined && { authorized: true }),
    authorizeOn: (dcId, { signal }) => copyAuthorization(invoke, dcId, signal),
    ...invokerOptions,
    send: (request) => transport.send(request),
  })
  invoke.lifetimeSignal.addEventListener('abort', () => transport.close(), { once: true })
  return Object.defineProperty(invoke, 'transport', { value: transport }) as TestkitInvoker
}

const WHAT_TO_PASS =
  'pass the cluster startCluster() resolves with, or the JSON.parse of the first line that ' +
  '`mtproto-errors serve --protocol plain --json` prints'

function isDcAddress(value: unknown): value is DcAddress {
  const dc = value as Partial<DcAddress> | null
  return (
    typeof dc === 'object' &&
    dc !== null &&
    Number.isInteger(dc.id) &&
    typeof dc.host === 'string' &&
    Number.isInteger(dc.port)
  )
}

/** Refuses, with what to pass instead, anything this plain-protocol client cannot talk to. */
function checkCluster(cluster: unknown): asserts cluster is PlainCluster | ServedPlainCluster {
  const bag = cluster as { protocol?: unknown; rsaPublicKeyPem?: unknown; dcs?: unknown } | null
  if (typeof bag !== 'object' || bag === null) {
    throw new TypeError(`createTestkitInvoker: no cluster given (${String(cluster)}); ${WHAT_TO_PASS}`)
  }
  if (bag.protocol === 'mtproto' || bag.rsaPublicKeyPem !== undefined) {
    throw new TypeError(
      'createTestkitInvoker: this is an MTProto cluster; the invoker speaks the plain testkit protocol. ' +
        'Start the cluster with --protocol plain (or startCluster() without protocol), or point GramJS or ' +
        'mtcute at it with gramjsOptions() / mtcuteOptions() from mtproto-errors/testkit/clients',
    )
  }
  if (!Array.isArray(bag.dcs) || bag.dcs.length === 0 || !bag.dcs.every(isDcAddress)) {
    throw new TypeError(
      `createTestkitInvoker: the cluster has no list of DCs ({ id, host, port }); ${WHAT_TO_PASS}`,
    )
  }
}

function homeDcIdOf(cluster: PlainCluster | ServedPlainCluster, account: string): number | undefined {
  const home = 'world' in cluster ? cluster.world.homeDcIdOf(account) : cluster.accounts?.[account]?.homeDcId
  if (home === undefined && ('world' in cluster || cluster.accounts !== undefined)) {
    throw new RangeError(`createTestkitInvoker: the cluster has no account '${account}'`)
  }
  return home
}

/**
 * Starting on a DC where the account is not logged in would end every call in a bare 401 whose DC
 * the engine cannot name (it does not know home yet): say so at once, and how to set it up.
 */
function checkAuthorizedOn(cluster: PlainCluster, account: string, dcId: number): void {
  if (cluster.world.isAuthorized(account, dcId)) return
  const home = cluster.world.homeDcIdOf(account)
  throw new RangeError(
    `createTestkitInvoker: defaultDcId ${dcId}: account '${account}' is not authorized on DC ${dcId}, so ` +
      `every call would end in 401 AUTH_KEY_UNREGISTERED. Start the cluster with accounts: { ${account}: ` +
      `{ homeDcId: ${home}, authorizedOn: [${dcId}, ${home}] } }, or leave defaultDcId out`,
  )
}
