import { createCipheriv, createDecipheriv } from 'node:crypto'

/**
 * AES-256 in Infinite Garble Extension mode, the cipher MTProto uses for its payloads.
 *
 * node:crypto has no IGE, so it is built over single-block AES-256-ECB:
 * `c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}`, with the 32-byte IV holding `c_0` (first half) and `p_0`
 * (second half). Input must be a whole number of 16-byte blocks.
 */
export function aesIgeEncrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  return runIge(data, key, iv, true)
}

/** Inverse of {@link aesIgeEncrypt}: `p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}`. */
export function aesIgeDecrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  return runIge(data, key, iv, false)
}

function runIge(data: Uint8Array, key: Uint8Array, iv: Uint8Array, encrypt: boolean): Uint8Array {
  if (key.length !== 32) throw new RangeError('AES-256-IGE needs a 32-byte key')
  if (iv.length !== 32) throw new RangeError('AES-256-IGE needs a 32-byte IV')
  if (data.length % 16 !== 0) throw new RangeError('AES-256-IGE input must be a multiple of 16 bytes')

  // One ECB context for the whole message; without auto padding `update` maps each block 1:1.
  const ecb = encrypt ? createCipheriv('aes-256-ecb', key, null) : createDecipheriv('aes-256-ecb', key, null)
  ecb.setAutoPadding(false)

  const out = new Uint8Array(data.length)
  // For encryption the "previous cipher" chains through xorIn, for decryption the "previous plain".
  let chainIn = iv.subarray(encrypt ? 0 : 16, encrypt ? 16 : 32)
  let chainOut = iv.subarray(encrypt ? 16 : 0, encrypt ? 32 : 16)
  const block = new Uint8Array(16)
  for (let offset = 0; offset < data.length; offset += 16) {
    const input = data.subarray(offset, offset + 16)
    for (let i = 0; i < 16; i++) block[i] = input[i]! ^ chainIn[i]!
    const transformed = ecb.update(block)
    const output = out.subarray(offset, offset + 16)
    for (let i = 0; i < 16; i++) output[i] = transformed[i]! ^ chainOut[i]!
    chainIn = output
    chainOut = input
  }
  return out
}
