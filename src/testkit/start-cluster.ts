import { renderValue } from '../recovery/check-option.js'
import { checkClusterOptions } from './check-testkit-options.js'
import type { MtprotoCluster, MtprotoClusterOptions } from './mtproto/index.js'
import { type Cluster, type ClusterOptions, startCluster as startPlainCluster } from './plain/index.js'

/** Options of the plain cluster (the default protocol): plain messages, fast, no crypto. */
export interface PlainClusterOptions extends ClusterOptions {
  /** `plain` (the default): MTProto framing and TL, but unencrypted messages. */
  readonly protocol?: 'plain'
}

/** Options of the MTProto cluster: real MTProto 2.0, for unmodified GramJS and mtcute. */
export interface MtprotoStartOptions extends MtprotoClusterOptions {
  readonly protocol: 'mtproto'
}

/**
 * Starts a simulated Telegram cluster on loopback. The plain protocol (default) is the fast one for
 * tests of your own code over {@link connect}; `protocol: 'mtproto'` serves real MTProto 2.0 with a
 * fresh RSA key, for real clients (see `mtproto-errors/testkit/clients`). Both follow the same rules.
 */
export function startCluster(options?: PlainClusterOptions): Promise<Cluster>
export function startCluster(options: MtprotoStartOptions): Promise<MtprotoCluster>
export function startCluster(
  options?: PlainClusterOptions | MtprotoStartOptions,
): Promise<Cluster | MtprotoCluster>
export async function startCluster(
  options: PlainClusterOptions | MtprotoStartOptions = {},
): Promise<Cluster | MtprotoCluster> {
  checkClusterOptions(options)
  if (options.protocol === 'mtproto') {
    const { protocol: _protocol, ...rest } = options
    return blamingHost('startCluster', rest.host, () => loadAndStartMtproto(rest))
  }
  const { protocol: _protocol, ...rest } = options
  return blamingHost('startCluster', rest.host, () => startPlainCluster(rest))
}

/** How Node says that no socket can listen on an address: the `host` option named no local one. */
const UNUSABLE_HOST_CODES = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_AGAIN', 'EADDRNOTAVAIL'])

/**
 * Runs `start`, and turns a failure to listen on `host` into a RangeError naming the option: no
 * shape check can tell a host that resolves to a local address from one that does not, and Node's
 * own error (`getaddrinfo ENOTFOUND`) does not say which option was wrong.
 */
async function blamingHost<T>(owner: string, host: string | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start()
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (host === undefined || typeof code !== 'string' || !UNUSABLE_HOST_CODES.has(code)) throw error
    throw new RangeError(`${owner}: host ${renderValue(host)} is no address to listen on here (${code})`, {
      cause: error,
    })
  }
}

/**
 * Starts the MTProto cluster directly. Its code (and its need for `@mtcute/core`,
 * `@mtcute/tl-runtime` and `long`) is loaded only when asked for, so the plain testkit works
 * without them.
 */
export async function startMtprotoCluster(options: MtprotoClusterOptions = {}): Promise<MtprotoCluster> {
  checkClusterOptions(options, 'startMtprotoCluster')
  return blamingHost('startMtprotoCluster', options.host, () => loadAndStartMtproto(options))
}

/** The one place the MTProto cluster's code is imported, on first use. */
async function loadAndStartMtproto(options: MtprotoClusterOptions): Promise<MtprotoCluster> {
  const mtproto = await import('./mtproto/cluster.js')
  return mtproto.startMtprotoCluster(options)
}
