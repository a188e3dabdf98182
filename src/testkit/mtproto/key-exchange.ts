import { createHash, generatePrimeSync, randomBytes } from 'node:crypto'
import { TlBinaryReader } from '@mtcute/tl-runtime'
import Long from 'long'
import { aesIgeDecrypt, aesIgeEncrypt } from './aes-ige.js'
import { concat } from './framing.js'
import type { ServerRsaKey } from './rsa-key.js'
import type { TlCodec, TlObject } from './tl-codec.js'

/**
 * The well-known 2048-bit safe prime Telegram's servers use, with g = 3. mtcute recognises it and
 * skips its (slow) primality checks; GramJS checks nothing.
 */
export const DH_PRIME = BigInt(
  '0xC71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C3720FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F642477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B',
)
export const DH_G = 3
/** g_a and g_b must lie in (2^(2048-64), p - 2^(2048-64)), per the security guidelines. */
const DH_SAFETY_MARGIN = 2n ** 1984n

const P_Q_INNER_DATA = 0x83c95aec
const P_Q_INNER_DATA_DC = 0xa9f55f95
const P_Q_INNER_DATA_TEMP_DC = 0x56fddf88

/** A key exchange that went wrong; the connection is closed with a transport error. */
export class KeyExchangeError extends Error {
  override readonly name = 'KeyExchangeError'
}

/** What a finished exchange yields. */
export interface NewAuthKey {
  key: Uint8Array
  /** The first server salt: new_nonce[0:8] xor server_nonce[0:8], as a signed long. */
  salt: bigint
  /** Seconds a temporary (PFS) key lives; undefined for a permanent key. */
  expiresInSeconds: number | undefined
}

/** The outcome of one step: the object to send back, and the key once the exchange is done. */
export interface KeyExchangeStep {
  reply: TlObject
  authKey?: NewAuthKey
}

/**
 * Server side of the MTProto key exchange for one connection (req_pq_multi, req_DH_params,
 * set_client_DH_params). Steps must come in order; anything else throws {@link KeyExchangeError}.
 */
export class KeyExchange {
  private nonce: Uint8Array | undefined
  private serverNonce: Uint8Array | undefined
  private p = 0n
  private q = 0n
  private newNonce: Uint8Array | undefined
  private a = 0n
  private tmpAes: { key: Uint8Array; iv: Uint8Array } | undefined
  private expiresInSeconds: number | undefined

  constructor(
    private readonly codec: TlCodec,
    private readonly rsa: ServerRsaKey,
    private readonly dcId: number,
  ) {}

  /** Handles one plain (unencrypted) request. */
  step(request: TlObject): KeyExchangeStep {
    switch (request._) {
      case 'mt_req_pq_multi':
        return { reply: this.resPq(request) }
      case 'mt_req_DH_params':
        return { reply: this.serverDhParams(request) }
      case 'mt_set_client_DH_params':
        return this.dhGen(request)
      default:
        throw new KeyExchangeError(`${request._} is not a key-exchange request`)
    }
  }

  private resPq(request: TlObject): TlObject {
    this.nonce = bytesField(request, 'nonce', 16)
    this.serverNonce = new Uint8Array(randomBytes(16))
    // Two primes below 2^32 (as Telegram uses), whose product the client factorises as proof of work.
    this.p = generatePrimeSync(31, { bigint: true })
    do this.q = generatePrimeSync(31, { bigint: true })
    while (this.q === this.p)
    if (this.p > this.q) [this.p, this.q] = [this.q, this.p]
    return {
      _: 'mt_resPQ',
      nonce: this.nonce,
      serverNonce: this.serverNonce,
      pq: toBytes(this.p * this.q, 8),
      serverPublicKeyFingerprints: [Long.fromBigInt(this.rsa.fingerprint)],
    }
  }

  private serverDhParams(request: TlObject): TlObject {
    const { nonce, serverNonce } = this.checkNonces(request)
    if (this.newNonce) throw new KeyExchangeError('req_DH_params sent twice')
    if (fromBytes(bytesField(request, 'p')) !== this.p || fromBytes(bytesField(request, 'q')) !== this.q) {
      throw new KeyExchangeError('p and q do not factorise pq')
    }
    const fingerprint = request.publicKeyFingerprint
    if (!Long.isLong(fingerprint) || BigInt(fingerprint.toSigned().toString()) !== this.rsa.fingerprint) {
      throw new KeyExchangeError('req_DH_params names an unknown RSA key')
    }
    const inner = this.parsePqInnerData(unpadRsa(this.rsa, bytesField(request, 'encryptedData')))
    this.newNonce = inner.newNonce
    this.expiresInSeconds = inner.expiresIn

    let gA: bigint
    do {
      this.a = fromBytes(randomBytes(256))
      gA = modPow(BigInt(DH_G), this.a, DH_PRIME)
    } while (!inSafeRange(gA))

    const answer = this.codec.encodeService({
      _: 'mt_server_DH_inner_data',
      nonce,
      serverNonce,
      g: DH_G,
      dhPrime: toBytes(DH_PRIME, 256),
      gA: toBytes(gA, 256),
      serverTime: Math.floor(Date.now() / 1000),
    })
    this.tmpAes = tmpAesKeyIv(this.newNonce, serverNonce)
    const withHash = concat(sha1(answer), answer)
    const padded = concat(withHash, randomBytes((16 - (withHash.length % 16)) % 16))
    return {
      _: 'mt_server_DH_params_ok',
      nonce,
      serverNonce,
      encryptedAnswer: aesIgeEncrypt(padded, this.tmpAes.key, this.tmpAes.iv),
    }
  }

  private dhGen(request: TlObject): KeyExchangeStep {
    const { nonce, serverNonce } = this.checkNonces(request)
    if (!this.tmpAes || !this.newNonce)
      throw new KeyExchangeError('set_client_DH_params before req_DH_params')
    const encrypted = bytesField(request, 'encryptedData')
    if (encrypted.length % 16 !== 0 || encrypted.length < 32) {
      throw new KeyExchangeError('client_DH_inner_data is not block-aligned')
    }
    const plain = aesIgeDecrypt(encrypted, this.tmpAes.key, this.tmpAes.iv)
    const reader = new TlBinaryReader(this.codec.readerMap, plain, 20)
    const inner = reader.object() as TlObject
    if (inner._ !== 'mt_client_DH_inner_data')
      throw new KeyExchangeError(`expected client_DH_inner_data, got ${inner._}`)
    if (!equal(sha1(plain.subarray(20, reader.pos)), plain.subarray(0, 20))) {
      throw new KeyExchangeError('client_DH_inner_data hash mismatch')
    }
    this.checkNonces(inner)
    const gB = fromBytes(bytesField(inner, 'gB'))
    if (!inSafeRange(gB)) throw new KeyExchangeError('g_b is outside the safe range')

    // Both GramJS and mtcute turn g_ab into bytes without padding, so a key whose top byte is zero
    // is 255 bytes long on their side. Matching them keeps 1 exchange in 256 from failing later.
    const key = toBytes(modPow(gB, this.a, DH_PRIME), 0)
    const auxHash = sha1(key).subarray(0, 8)
    const newNonceHash1 = sha1(concat(this.newNonce, Uint8Array.of(1), auxHash)).subarray(4, 20)
    const salt = Buffer.from(xor(this.newNonce.subarray(0, 8), serverNonce.subarray(0, 8))).readBigInt64LE(0)
    const authKey: NewAuthKey = { key, salt, expiresInSeconds: this.expiresInSeconds }
    // One exchange per state: a replayed set_client_DH_params must not mint a second key.
    this.tmpAes = undefined
    return { reply: { _: 'mt_dh_gen_ok', nonce, serverNonce, newNonceHash1 }, authKey }
  }

  private checkNonces(obj: TlObject): { nonce: Uint8Array; serverNonce: Uint8Array } {
    if (!this.nonce || !this.serverNonce) throw new KeyExchangeError('no req_pq_multi on this connection')
    if (!equal(bytesField(obj, 'nonce', 16), this.nonce)) throw new KeyExchangeError('nonce mismatch')
    if (!equal(bytesField(obj, 'serverNonce', 16), this.serverNonce)) {
      throw new KeyExchangeError('server_nonce mismatch')
    }
    return { nonce: this.nonce, serverNonce: this.serverNonce }
  }

  /** Reads any of the three p_q_inner_data variants (GramJS sends the plain one, mtcute `_dc`). */
  private parsePqInnerData(data: Uint8Array): { newNonce: Uint8Array; expiresIn: number | undefined } {
    const r = TlBinaryReader.manual(data)
    const id = r.uint()
    if (id !== P_Q_INNER_DATA && id !== P_Q_INNER_DATA_DC && id !== P_Q_INNER_DATA_TEMP_DC) {
      throw new KeyExchangeError(`unknown p_q_inner_data constructor ${id.toString(16)}`)
    }
    const pq = fromBytes(r.bytes())
    const p = fromBytes(r.bytes())
    const q = fromBytes(r.bytes())
    const nonce = r.int128()
    const serverNonce = r.int128()
    const newNonce = r.int256()
    if (pq !== this.p * this.q || p !== this.p || q !== this.q)
      throw new KeyExchangeError('p_q_inner_data: wrong pq')
    if (!equal(nonce, this.nonce!) || !equal(serverNonce, this.serverNonce!)) {
      throw new KeyExchangeError('p_q_inner_data: nonce mismatch')
    }
    if (id !== P_Q_INNER_DATA) {
      // dc is negative for media-only connections and offset by 10000 on test servers.
      const dc = Math.abs(r.int()) % 10000
      if (dc !== this.dcId)
        throw new KeyExchangeError(`p_q_inner_data is for DC ${dc}, this is DC ${this.dcId}`)
    }
    return { newNonce, expiresIn: id === P_Q_INNER_DATA_TEMP_DC ? r.int() : undefined }
  }
}

/**
 * Undoes RSA_PAD: raw RSA, then temp_key = xor(key_aes_encrypted[0:32], sha256(rest)), AES-IGE
 * with a zero IV, un-reverse the 192 data bytes, and check sha256(temp_key + data).
 */
function unpadRsa(rsa: ServerRsaKey, encrypted: Uint8Array): Uint8Array {
  if (encrypted.length !== 256) throw new KeyExchangeError('encrypted_data must be 256 bytes')
  let decrypted: Uint8Array
  try {
    decrypted = rsa.decrypt(encrypted)
  } catch {
    throw new KeyExchangeError('encrypted_data is not below the RSA modulus')
  }
  const aesEncrypted = decrypted.subarray(32)
  const tempKey = xor(decrypted.subarray(0, 32), sha256(aesEncrypted))
  const dataWithHash = aesIgeDecrypt(aesEncrypted, tempKey, new Uint8Array(32))
  const data = dataWithHash.slice(0, 192).reverse()
  if (!equal(sha256(concat(tempKey, data)), dataWithHash.subarray(192))) {
    throw new KeyExchangeError('RSA_PAD hash mismatch')
  }
  return data
}

/** tmp_aes_key and tmp_aes_iv from new_nonce and server_nonce (MTProto auth key creation, step 5). */
export function tmpAesKeyIv(
  newNonce: Uint8Array,
  serverNonce: Uint8Array,
): { key: Uint8Array; iv: Uint8Array } {
  const ns = sha1(concat(newNonce, serverNonce))
  const sn = sha1(concat(serverNonce, newNonce))
  const nn = sha1(concat(newNonce, newNonce))
  return {
    key: concat(ns, sn.subarray(0, 12)),
    iv: concat(sn.subarray(12, 20), nn, newNonce.subarray(0, 4)),
  }
}

function inSafeRange(value: bigint): boolean {
  return value > DH_SAFETY_MARGIN && value < DH_PRIME - DH_SAFETY_MARGIN
}

/** Square-and-multiply modular exponentiation on native bigints. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let b = base % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus
    b = (b * b) % modulus
    e >>= 1n
  }
  return result
}

/** Big-endian bytes of a non-negative bigint; `length` 0 means as few bytes as needed. */
export function toBytes(value: bigint, length: number): Uint8Array {
  let hex = value.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  const minimal = Buffer.from(hex, 'hex')
  if (length === 0) return new Uint8Array(minimal)
  if (minimal.length > length) throw new RangeError('value does not fit')
  const out = new Uint8Array(length)
  out.set(minimal, length - minimal.length)
  return out
}

/** Big-endian unsigned bytes to bigint. */
export function fromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
}

function bytesField(obj: TlObject, name: string, length?: number): Uint8Array {
  const value = obj[name]
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) {
    throw new KeyExchangeError(`${obj._}.${name} is malformed`)
  }
  return value
}

function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest())
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!
  return out
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b))
}
