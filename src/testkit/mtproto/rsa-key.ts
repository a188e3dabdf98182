import { constants, createHash, generateKeyPairSync, type KeyObject, privateDecrypt } from 'node:crypto'
import { TlBinaryWriter } from '@mtcute/tl-runtime'

/** The cluster's RSA key: clients encrypt their key-exchange secrets to it. */
export interface ServerRsaKey {
  /** The public key as a PKCS#1 PEM (`BEGIN RSA PUBLIC KEY`), the only form mtcute accepts. */
  readonly publicKeyPem: string
  /** Modulus, big-endian without sign byte. */
  readonly modulus: Uint8Array
  /** Public exponent, big-endian (65537). */
  readonly exponent: Uint8Array
  /** The key's fingerprint as the signed 64-bit integer sent in `resPQ`. */
  readonly fingerprint: bigint
  /** Raw RSA (no padding) with the private key: 256 bytes in, 256 bytes out. */
  decrypt(block: Uint8Array): Uint8Array
}

/**
 * Generates a fresh 2048-bit key whose fingerprint every supported client can look up.
 *
 * mtcute 0.30 stores fingerprints as 16 zero-padded hex digits but looks them up with
 * `Long.toString(16)`, which drops leading zeros: a fingerprint below 2^60 (unsigned) is never
 * found. About one key in 16 is affected, so we simply draw again.
 */
export function generateServerRsaKey(): ServerRsaKey {
  for (;;) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicExponent: 65537,
    })
    const key = describeKey(publicKey, privateKey)
    if (BigInt.asUintN(64, key.fingerprint) >> 60n !== 0n) return key
  }
}

function describeKey(publicKey: KeyObject, privateKey: KeyObject): ServerRsaKey {
  const jwk = publicKey.export({ format: 'jwk' })
  const modulus = new Uint8Array(Buffer.from(jwk.n!, 'base64url'))
  const exponent = new Uint8Array(Buffer.from(jwk.e!, 'base64url'))
  return {
    publicKeyPem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    modulus,
    exponent,
    fingerprint: rsaFingerprint(modulus, exponent),
    decrypt: (block) =>
      new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block)),
  }
}

/**
 * MTProto's key fingerprint: the low 64 bits of SHA-1 over the TL `bytes` encodings of n and e,
 * read little-endian as a signed long.
 */
export function rsaFingerprint(modulus: Uint8Array, exponent: Uint8Array): bigint {
  const writer = TlBinaryWriter.manual(modulus.length + exponent.length + 16)
  writer.bytes(modulus)
  writer.bytes(exponent)
  const sha = createHash('sha1').update(writer.result()).digest()
  return sha.readBigInt64LE(12)
}
