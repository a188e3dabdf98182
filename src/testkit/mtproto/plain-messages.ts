import type { DcContext } from './dc-context.js'
import { concat } from './framing.js'
import { KeyExchange, KeyExchangeError } from './key-exchange.js'
import { makeAuthKey } from './message-crypto.js'
import { AuthKeyRecord, unixNow } from './session.js'

/** auth_key_id (8 bytes, zero), msg_id (8), message_data_length (4). */
const PLAIN_HEADER_BYTES = 20

/**
 * The unencrypted messages of one connection (auth_key_id = 0): the steps of the key exchange.
 * A finished exchange registers its key with the DC, so later encrypted messages find it.
 */
export class PlainMessages {
  private exchange: KeyExchange | undefined

  constructor(private readonly dc: DcContext) {}

  /**
   * Answers one plain payload (auth_key_id included) with the payload to send back. Throws
   * {@link KeyExchangeError} for a malformed message or a step out of order, and whatever the TL
   * reader throws for bytes it cannot read: the connection then closes with a transport error.
   */
  answer(payload: Uint8Array): Uint8Array {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
    const length = payload.length < PLAIN_HEADER_BYTES ? -1 : view.getUint32(16, true)
    if (length < 0 || length > payload.length - PLAIN_HEADER_BYTES) {
      throw new KeyExchangeError('malformed plain message')
    }
    const request = this.dc.codec.decode(payload.subarray(PLAIN_HEADER_BYTES, PLAIN_HEADER_BYTES + length))
    this.exchange ??= new KeyExchange(this.dc.codec, this.dc.rsa, this.dc.dcId)
    const { reply, authKey } = this.exchange.step(request)
    if (authKey) {
      const key = makeAuthKey(authKey.key)
      const expiresAt =
        authKey.expiresInSeconds === undefined ? undefined : unixNow() + authKey.expiresInSeconds
      this.dc.keys.set(key.id, new AuthKeyRecord(key, authKey.salt, expiresAt))
      this.dc.stats.authKeyCreated(this.dc.dcId)
      // A client may create another key (a temporary one, say) on the same connection.
      this.exchange = undefined
    }
    const body = this.dc.codec.encodeService(reply)
    const header = new Uint8Array(PLAIN_HEADER_BYTES)
    const headerView = new DataView(header.buffer)
    headerView.setBigUint64(8, this.dc.clock.next('response'), true)
    headerView.setUint32(16, body.length, true)
    return concat(header, body)
  }
}
