import { createPublicKey } from 'node:crypto'
import { MemoryStorage } from '@mtcute/core'
import { addPublicKey } from '@mtcute/core/utils.js'
import type { TelegramClient as MtcuteClient } from '@mtcute/node'
import { NodeCryptoProvider } from '@mtcute/node/utils.js'
import { type TelegramClient as GramjsClient, helpers } from 'telegram'
import { _serverKeys } from 'telegram/crypto/RSA.js'
import type { Connection } from 'telegram/network/connection/Connection.js'
import { ConnectionTCPAbridged } from 'telegram/network/connection/TCPAbridged.js'
import { ConnectionTCPFull } from 'telegram/network/connection/TCPFull.js'
import type { MtprotoCluster } from './cluster.js'
import { rsaFingerprint } from './rsa-key.js'
import { testLoginCode, testPhone } from './test-accounts.js'

/**
 * What the helpers need to know of a cluster: its DCs and key. A running `MtprotoCluster` is one;
 * so is the first line `mtproto-errors serve --json` prints, for a cluster in another process.
 */
export type ClusterAddress = Pick<MtprotoCluster, 'dcs' | 'rsaPublicKeyPem'>

/**
 * Ready-made options that point an unmodified GramJS or mtcute client at a cluster.
 *
 *     const cluster = await startCluster({ protocol: 'mtproto' })
 *     const gramjs = new TelegramClient(new StringSession(''), 1, 'hash', gramjsOptions(cluster))
 *     const mtcute = new TelegramClient({ apiId: 1, apiHash: 'hash', ...mtcuteOptions(cluster) })
 */

type GramjsConnectionParams = ConstructorParameters<typeof ConnectionTCPFull>[0]

/** Options for {@link gramjsOptions}. */
export interface GramjsClusterOptions {
  /** GramJS transport: `full` (TCPFull, its Node default) or `abridged`. */
  transport?: 'full' | 'abridged'
}

/**
 * GramJS options: its TCP transport with the address swapped for the DC's loopback port, and the
 * cluster's RSA key trusted.
 *
 * GramJS ignores the port a session or `help.getConfig` names (it always dials 80 or 443), so
 * the connection class maps DC ids to ports itself. A new session starts on DC 4, GramJS's
 * default; `session.setDC(id, host, port)` picks another.
 */
export function gramjsOptions(
  cluster: ClusterAddress,
  options: GramjsClusterOptions = {},
): { connection: typeof Connection; useWSS: false } {
  trustClusterKeyInGramjs(cluster)
  const dcs = new Map(cluster.dcs.map((dc) => [dc.id, dc]))
  // Both are plain Connection subclasses differing only in their packet codec.
  const Base: typeof Connection = options.transport === 'abridged' ? ConnectionTCPAbridged : ConnectionTCPFull
  class ClusterConnection extends Base {
    constructor(params: GramjsConnectionParams) {
      const dc = dcs.get(params.dcId)
      if (!dc) throw new Error(`the cluster has no DC ${params.dcId}`)
      super({ ...params, ip: dc.host, port: dc.port })
    }
  }
  return { connection: ClusterConnection, useWSS: false }
}

/**
 * Signs a GramJS client in with a test phone (`testPhone`) and its fixed code,
 * through GramJS's own `start()`: auth.sendCode, PHONE_MIGRATE if the phone lives elsewhere,
 * auth.signIn.
 */
export async function loginGramjs(client: GramjsClient, phone = testPhone(2)): Promise<void> {
  await client.start({
    phoneNumber: phone,
    phoneCode: async () => testLoginCode(phone),
    onError: (error) => {
      throw error
    },
  })
}

/** The same for mtcute, through its `start()`; resolves with the signed-in user. */
export function loginMtcute(client: MtcuteClient, phone = testPhone(2)): ReturnType<MtcuteClient['start']> {
  return client.start({ phone, code: () => testLoginCode(phone), codeSentCallback: () => {} })
}

/** The parts of a GramJS client that {@link destroyGramjsClient} has to reach. */
interface GramjsClientInternals {
  destroy(): Promise<void>
  _exportedSenderPromises: Map<number, Promise<{ disconnect(): Promise<void> } | undefined>>
  _exportedSenderReleaseTimeouts: Map<number, ReturnType<typeof setTimeout>>
}

/**
 * Destroys a GramJS client including the senders it opened to other DCs (for file transfers).
 *
 * GramJS 2.26's own `destroy()` misses them: it walks these Maps with `Object.values`, which sees
 * nothing, so exported senders stay connected (and reconnect when the cluster stops) and their
 * 30 s release timers keep the process alive.
 */
export async function destroyGramjsClient(client: object): Promise<void> {
  const internals = client as GramjsClientInternals
  for (const timer of internals._exportedSenderReleaseTimeouts.values()) clearTimeout(timer)
  internals._exportedSenderReleaseTimeouts.clear()
  const pending = [...internals._exportedSenderPromises.values()]
  await internals.destroy()
  const senders = await Promise.all(pending.map((promise) => promise.catch(() => undefined)))
  await Promise.all(senders.map((sender) => sender?.disconnect()))
}

/** Adds the cluster's key to GramJS's (global, mutable) table of trusted server keys. */
export function trustClusterKeyInGramjs(cluster: ClusterAddress): void {
  const modulus = pemModulus(cluster.rsaPublicKeyPem)
  const { n, e } = createPublicKey(cluster.rsaPublicKeyPem).export({ format: 'jwk' })
  const fingerprint = rsaFingerprint(Buffer.from(n!, 'base64url'), Buffer.from(e!, 'base64url'))
  // GramJS looks keys up by the signed decimal fingerprint and computes with big-integer values.
  _serverKeys.set(fingerprint.toString(), { n: helpers.returnBigInt(modulus), e: 65537 })
}

/** Options for {@link mtcuteOptions}. */
export interface MtcuteClusterOptions {
  /** The DC to start on. Default 2, mtcute's own default. */
  dcId?: number
}

/**
 * mtcute options: the starting DC's address as `defaultDcs` and a fresh in-memory storage (a
 * stored primary DC would override `defaultDcs`). Migrations use the ports `help.getConfig`
 * lists, which mtcute honours. The cluster's key is registered in mtcute's key table: in the
 * module format this file is loaded as, which must be the client's (each format has its own).
 */
export function mtcuteOptions(
  cluster: ClusterAddress,
  options: MtcuteClusterOptions = {},
): {
  storage: MemoryStorage
  defaultDcs: { main: DcOption; media: DcOption }
} {
  trustClusterKeyInMtcute(cluster)
  const dcId = options.dcId ?? 2
  const dc = cluster.dcs.find((d) => d.id === dcId)
  if (!dc) throw new RangeError(`the cluster has no DC ${dcId}`)
  const main: DcOption = { id: dc.id, ipAddress: dc.host, port: dc.port }
  return { storage: new MemoryStorage(), defaultDcs: { main, media: { ...main, mediaOnly: true } } }
}

/** A DC address in mtcute's `BasicDcOption` shape. */
export interface DcOption {
  id: number
  ipAddress: string
  port: number
  mediaOnly?: boolean
}

/** Adds the cluster's key to mtcute's (global) table of trusted server keys. */
export function trustClusterKeyInMtcute(cluster: ClusterAddress): void {
  addPublicKey(new NodeCryptoProvider(), cluster.rsaPublicKeyPem)
}

/** The modulus of a PEM public key, as a bigint. */
function pemModulus(pem: string): bigint {
  const { n } = createPublicKey(pem).export({ format: 'jwk' })
  return BigInt(`0x${Buffer.from(n!, 'base64url').toString('hex')}`)
}
