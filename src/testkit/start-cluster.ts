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
    return startMtprotoCluster(rest)
  }
  const { protocol: _protocol, ...rest } = options
  return startPlainCluster(rest)
}

/**
 * Starts the MTProto cluster directly. Its code (and its need for `@mtcute/core`,
 * `@mtcute/tl-runtime` and `long`) is loaded only here, so the plain testkit works without them.
 */
export async function startMtprotoCluster(options: MtprotoClusterOptions = {}): Promise<MtprotoCluster> {
  checkClusterOptions(options, 'startMtprotoCluster')
  const mtproto = await import('./mtproto/cluster.js')
  return mtproto.startMtprotoCluster(options)
}
