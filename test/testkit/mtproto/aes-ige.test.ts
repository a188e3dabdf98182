import { randomBytes } from 'node:crypto'
import { NodeCryptoProvider } from '@mtcute/node/utils.js'
import fc from 'fast-check'
import { IGE as GramjsIge } from 'telegram/crypto/IGE.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { aesIgeDecrypt, aesIgeEncrypt } from '../../../src/testkit/mtproto/aes-ige.js'

const blocks = fc
  .integer({ min: 0, max: 40 })
  .chain((n) => fc.uint8Array({ minLength: n * 16, maxLength: n * 16 }))
const key = fc.uint8Array({ minLength: 32, maxLength: 32 })
const iv = fc.uint8Array({ minLength: 32, maxLength: 32 })

describe('AES-256-IGE', () => {
  const mtcute = new NodeCryptoProvider()
  beforeAll(() => mtcute.initialize())

  it('matches GramJS and mtcute (independent implementations) in both directions', () => {
    fc.assert(
      fc.property(blocks, key, iv, (data, k, v) => {
        const ours = aesIgeEncrypt(data, k, v)
        expect(Buffer.from(ours)).toEqual(
          new GramjsIge(Buffer.from(k), Buffer.from(v)).encryptIge(Buffer.from(data)),
        )
        expect(Buffer.from(ours)).toEqual(Buffer.from(mtcute.createAesIge(k, v).encrypt(data)))
        expect(aesIgeDecrypt(ours, k, v)).toEqual(data)
        expect(Buffer.from(aesIgeDecrypt(data, k, v))).toEqual(
          Buffer.from(mtcute.createAesIge(k, v).decrypt(data)),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('garbles everything after a flipped bit (the point of IGE over ECB)', () => {
    const k = randomBytes(32)
    const v = randomBytes(32)
    const cipher = aesIgeEncrypt(new Uint8Array(64), k, v)
    cipher[20]! ^= 1
    const plain = aesIgeDecrypt(cipher, k, v)
    expect(plain.subarray(0, 16)).toEqual(new Uint8Array(16))
    expect(plain.subarray(16, 32)).not.toEqual(new Uint8Array(16))
    expect(plain.subarray(32, 48)).not.toEqual(new Uint8Array(16))
  })

  it('refuses wrong key, IV or block sizes', () => {
    expect(() => aesIgeEncrypt(new Uint8Array(15), randomBytes(32), randomBytes(32))).toThrow(RangeError)
    expect(() => aesIgeEncrypt(new Uint8Array(16), randomBytes(16), randomBytes(32))).toThrow(RangeError)
    expect(() => aesIgeDecrypt(new Uint8Array(16), randomBytes(32), randomBytes(16))).toThrow(RangeError)
  })
})
