import { renderValue } from '../recovery/check-option.js'
import { checkClusterOptions } from './check-testkit-options.js'
import type { MtprotoCluster, MtprotoClusterOptions } from './mtproto/index.js'
import { type PlainCluster, type PlainClusterOptions, startPlainCluster } from './plain/index.js'

/**
 * Starts a simulated Telegram cluster on loopback, the one entry for both protocols.
 *
 * `protocol: 'plain'` (the default) is MTProto's framing and TL without the crypto: fast, needing no
 * client library, and what {@link createTestkitInvoker} and {@link connect} speak, so it suits tests of
 * your own code. `protocol: 'mtproto'` serves real MTProto 2.0 with a fresh RSA key, for unmodified
 * GramJS and mtcute (`mtproto-errors/testkit/clients`); its code and its peers (`@mtcute/core`,
 * `@mtcute/tl-runtime`, `long`) are loaded only then. Both put every call to the same {@link World}
 * and report the same counters ({@link Cluster}).
 */
export function startCluster(options?: PlainClusterOptions): Promise<PlainCluster>
export function startCluster(options: MtprotoClusterOptions): Promise<MtprotoCluster>
export function startCluster(
  options?: PlainClusterOptions | MtprotoClusterOptions,
): Promise<PlainCluster | MtprotoCluster>
export async function startCluster(
  options: PlainClusterOptions | MtprotoClusterOptions = {},
): Promise<PlainCluster | MtprotoCluster> {
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
 * The one place the MTProto cluster's code is imported, on first use, so the plain testkit works
 * without its peers.
 */
async function loadAndStartMtproto(
  options: Omit<MtprotoClusterOptions, 'protocol'>,
): Promise<MtprotoCluster> {
  const mtproto = await import('./mtproto/cluster.js')
  return mtproto.startMtprotoCluster(options)
}
