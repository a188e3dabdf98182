import { constants, createHash, publicEncrypt, randomBytes } from 'node:crypto'
import { findKeyByFingerprints, generateKeyAndIvFromNonce, parsePublicKey } from '@mtcute/core/utils.js'
import { NodeCryptoProvider } from '@mtcute/node/utils.js'
import { TlBinaryReader } from '@mtcute/tl-runtime'
import bigInt from 'big-integer'
import Long from 'long'
import { Factorizator } from 'telegram/crypto/Factorizator.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { aesIgeDecrypt, aesIgeEncrypt } from '../../../src/testkit/mtproto/aes-ige.js'
import { trustClusterKeyInMtcute } from '../../../src/testkit/mtproto/client-options.js'
import {
  DH_PRIME,
  fromBytes,
  KeyExchange,
  KeyExchangeError,
  modPow,
  tmpAesKeyIv,
  toBytes,
} from '../../../src/testkit/mtproto/key-exchange.js'
import { generateServerRsaKey, type ServerRsaKey } from '../../../src/testkit/mtproto/rsa-key.js'
import { TlCodec, type TlObject } from '../../../src/testkit/mtproto/tl-codec.js'

const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest())
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))

let codec: TlCodec
let rsa: ServerRsaKey
beforeAll(() => {
  codec = new TlCodec()
  rsa = generateServerRsaKey()
})

/** pq's factors, with GramJS's own factoriser (Pollard-Brent), smaller first. */
function factorize(pq: Uint8Array): [bigint, bigint] {
  const { p, q } = Factorizator.factorize(bigInt(fromBytes(pq).toString()))
  const [a, b] = [BigInt(p.toString()), BigInt(q.toString())]
  return a < b ? [a, b] : [b, a]
}

/** RSA_PAD as a client does it (written from the MTProto spec, step 4 of auth key creation). */
function rsaPad(data: Uint8Array, key: ServerRsaKey): Uint8Array {
  const padded = cat(data, randomBytes(192 - data.length))
  for (;;) {
    const tempKey = new Uint8Array(randomBytes(32))
    const withHash = cat(padded.slice().reverse(), sha256(cat(tempKey, padded)))
    const aesEncrypted = aesIgeEncrypt(withHash, tempKey, new Uint8Array(32))
    const hash = sha256(aesEncrypted)
    const keyAesEncrypted = cat(
      tempKey.map((b, i) => b ^ hash[i]!),
      aesEncrypted,
    )
    if (fromBytes(keyAesEncrypted) >= fromBytes(key.modulus)) continue
    return new Uint8Array(
      publicEncrypt({ key: key.publicKeyPem, padding: constants.RSA_NO_PADDING }, keyAesEncrypted),
    )
  }
}

/** Runs a whole exchange as mtcute would (p_q_inner_data_dc), checking every server answer. */
function clientExchange(server: KeyExchange, dcId: number) {
  const nonce = new Uint8Array(randomBytes(16))
  const resPq = server.step({ _: 'mt_req_pq_multi', nonce }).reply
  expect(resPq._).toBe('mt_resPQ')
  const [p, q] = factorize(resPq.pq as Uint8Array)
  const newNonce = new Uint8Array(randomBytes(32))
  const inner = codec.encodeService({
    _: 'mt_p_q_inner_data_dc',
    pq: resPq.pq,
    p: toBytes(p, 0),
    q: toBytes(q, 0),
    nonce,
    serverNonce: resPq.serverNonce,
    newNonce,
    dc: dcId,
  })
  const dhParams = server.step({
    _: 'mt_req_DH_params',
    nonce,
    serverNonce: resPq.serverNonce,
    p: toBytes(p, 0),
    q: toBytes(q, 0),
    publicKeyFingerprint: (resPq.serverPublicKeyFingerprints as Long[])[0],
    encryptedData: rsaPad(inner, rsa),
  }).reply
  expect(dhParams._).toBe('mt_server_DH_params_ok')
  const serverNonce = resPq.serverNonce as Uint8Array
  const { key, iv } = tmpAesKeyIv(newNonce, serverNonce)
  const answer = aesIgeDecrypt(dhParams.encryptedAnswer as Uint8Array, key, iv)
  const reader = new TlBinaryReader(codec.readerMap, answer, 20)
  const dhInner = reader.object() as TlObject
  expect(sha1(answer.subarray(20, reader.pos))).toEqual(answer.subarray(0, 20))
  expect(dhInner).toMatchObject({ _: 'mt_server_DH_inner_data', g: 3 })
  expect(fromBytes(dhInner.dhPrime as Uint8Array)).toBe(DH_PRIME)
  const gA = fromBytes(dhInner.gA as Uint8Array)
  expect(gA > 2n ** 1984n && gA < DH_PRIME - 2n ** 1984n).toBe(true)

  const b = fromBytes(randomBytes(256))
  const gB = modPow(3n, b, DH_PRIME)
  const clientInner = codec.encodeService({
    _: 'mt_client_DH_inner_data',
    nonce,
    serverNonce,
    retryId: Long.ZERO,
    gB: toBytes(gB, 256),
  })
  const withHash = cat(sha1(clientInner), clientInner)
  const padded = cat(withHash, new Uint8Array((16 - (withHash.length % 16)) % 16))
  const setParams = {
    _: 'mt_set_client_DH_params',
    nonce,
    serverNonce,
    encryptedData: aesIgeEncrypt(padded, key, iv),
  }
  const done = server.step(setParams)
  const clientKey = toBytes(modPow(gA, b, DH_PRIME), 0)
  return { done, clientKey, newNonce, serverNonce, setParams }
}

describe('the key exchange', () => {
  it('agrees on the auth key, new_nonce_hash1 and first salt with a spec-following client', () => {
    const { done, clientKey, newNonce, serverNonce } = clientExchange(new KeyExchange(codec, rsa, 2), 2)
    expect(done.reply._).toBe('mt_dh_gen_ok')
    expect(done.authKey?.key).toEqual(clientKey)
    const auxHash = sha1(clientKey).subarray(0, 8)
    expect(done.reply.newNonceHash1).toEqual(sha1(cat(newNonce, Uint8Array.of(1), auxHash)).subarray(4, 20))
    const salt = Buffer.from(newNonce.subarray(0, 8).map((x, i) => x ^ serverNonce[i]!)).readBigInt64LE(0)
    expect(done.authKey?.salt).toBe(salt)
    expect(done.authKey?.expiresInSeconds).toBeUndefined()
  })

  it('refuses a replayed set_client_DH_params, a wrong nonce and a p_q_inner_data for another DC', () => {
    const server = new KeyExchange(codec, rsa, 2)
    const { setParams } = clientExchange(server, 2)
    expect(() => server.step(setParams)).toThrow(KeyExchangeError)
    expect(() => new KeyExchange(codec, rsa, 2).step({ ...setParams })).toThrow(/req_pq_multi/)
    expect(() => clientExchange(new KeyExchange(codec, rsa, 3), 2)).toThrow(/DC 2, this is DC 3/)
    const fresh = new KeyExchange(codec, rsa, 2)
    const resPq = fresh.step({ _: 'mt_req_pq_multi', nonce: new Uint8Array(16) }).reply
    expect(() => fresh.step({ ...resPq, _: 'mt_req_DH_params', nonce: new Uint8Array(16).fill(1) })).toThrow(
      /nonce/,
    )
  })

  it('refuses RSA blocks that fail the RSA_PAD hash check', () => {
    const server = new KeyExchange(codec, rsa, 2)
    const nonce = new Uint8Array(randomBytes(16))
    const resPq = server.step({ _: 'mt_req_pq_multi', nonce }).reply
    const [p, q] = factorize(resPq.pq as Uint8Array)
    const request = {
      _: 'mt_req_DH_params',
      nonce,
      serverNonce: resPq.serverNonce,
      p: toBytes(p, 0),
      q: toBytes(q, 0),
      publicKeyFingerprint: (resPq.serverPublicKeyFingerprints as Long[])[0],
      encryptedData: new Uint8Array(randomBytes(256)).fill(0, 0, 1),
    }
    expect(() => server.step(request)).toThrow(/RSA_PAD/)
  })

  it('derives tmp_aes_key/iv exactly as mtcute does', () => {
    const crypto = new NodeCryptoProvider()
    const newNonce = new Uint8Array(randomBytes(32))
    const serverNonce = new Uint8Array(randomBytes(16))
    const [key, iv] = generateKeyAndIvFromNonce(crypto, serverNonce, newNonce)
    expect(tmpAesKeyIv(newNonce, serverNonce)).toEqual({ key, iv })
  })
})

describe('the cluster RSA key', () => {
  it('has a fingerprint mtcute can find (its unpadded-hex lookup needs the top nibble set)', () => {
    const parsed = parsePublicKey(new NodeCryptoProvider(), rsa.publicKeyPem)
    const fingerprint = Long.fromString(parsed.fingerprint, true, 16)
    expect(BigInt(fingerprint.toSigned().toString())).toBe(rsa.fingerprint)
    expect(parsed.fingerprint).toMatch(/^[1-9a-f][0-9a-f]{15}$/)
    trustClusterKeyInMtcute({ rsaPublicKeyPem: rsa.publicKeyPem } as never)
    expect(findKeyByFingerprints([fingerprint.toString(16)])?.modulus).toBe(parsed.modulus)
  })

  it('decrypts raw RSA blocks (no padding) encrypted with its public key', () => {
    const block = new Uint8Array(256)
    block.set(randomBytes(255), 1)
    const encrypted = publicEncrypt({ key: rsa.publicKeyPem, padding: constants.RSA_NO_PADDING }, block)
    expect(rsa.decrypt(encrypted)).toEqual(block)
  })
})
