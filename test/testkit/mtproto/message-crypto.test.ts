import { randomBytes } from 'node:crypto'
import { createAesIgeForMessage } from '@mtcute/core/utils.js'
import { NodeCryptoProvider } from '@mtcute/node/utils.js'
import fc from 'fast-check'
import { AuthKey as GramjsAuthKey } from 'telegram/crypto/AuthKey.js'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { MTProtoState } from 'telegram/network/MTProtoState.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { aesIgeEncrypt } from '../../../src/testkit/mtproto/aes-ige.js'
import {
  type AuthKey,
  computeMsgKey,
  decryptClientMessage,
  deriveAesKeyIv,
  encryptServerMessage,
  makeAuthKey,
} from '../../../src/testkit/mtproto/message-crypto.js'

const PONG = Buffer.from('c57377340100000000000000e803000000000000', 'hex') // pong msg_id=1 ping_id=1000

/** GramJS keeps its session id private; the test needs it to address the client. */
function sessionIdOf(state: MTProtoState): bigint {
  return BigInt((state as unknown as { id: { toString(): string } }).id.toString())
}

async function gramjsState(key: AuthKey): Promise<MTProtoState> {
  const authKey = new GramjsAuthKey()
  await authKey.setKey(Buffer.from(key.key))
  const state = new MTProtoState(authKey, new Logger(LogLevel.NONE))
  state.salt = 42 as never
  return state
}

describe('MTProto 2.0 message encryption', () => {
  const mtcute = new NodeCryptoProvider()
  beforeAll(() => mtcute.initialize())

  it('derives the AES key and IV as mtcute does, for both directions', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 256, maxLength: 256 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, msgKey) => {
          for (const client of [true, false]) {
            const { key: aesKey, iv } = deriveAesKeyIv(key, msgKey, client ? 0 : 8)
            const plain = new Uint8Array(32).fill(7)
            expect(Buffer.from(aesIgeEncrypt(plain, aesKey, iv))).toEqual(
              Buffer.from(createAesIgeForMessage(mtcute, key, msgKey, client).encrypt(plain)),
            )
          }
        },
      ),
      { numRuns: 50 },
    )
  })

  it('reads what GramJS encrypts', async () => {
    const key = makeAuthKey(new Uint8Array(randomBytes(256)))
    const state = await gramjsState(key)
    const msgId = (BigInt(Math.floor(Date.now() / 1000)) << 32n) | 4n
    const header = Buffer.alloc(16)
    header.writeBigInt64LE(msgId, 0)
    header.writeInt32LE(1, 8)
    header.writeInt32LE(PONG.length, 12)
    const payload = await state.encryptMessageData(Buffer.concat([header, PONG]))
    const message = decryptClientMessage(key, new Uint8Array(payload))
    expect(message).toMatchObject({ salt: 42n, msgId, seqNo: 1, sessionId: sessionIdOf(state) })
    if (typeof message === 'string') throw new Error(message)
    expect(Buffer.from(message.body)).toEqual(PONG)
  })

  it('writes what GramJS decrypts', async () => {
    const key = makeAuthKey(new Uint8Array(randomBytes(256)))
    const state = await gramjsState(key)
    const payload = encryptServerMessage(key, {
      salt: 42n,
      sessionId: sessionIdOf(state),
      msgId: 0x1234n * 2n ** 32n + 1n,
      seqNo: 3,
      body: new Uint8Array(PONG),
    })
    const message = await state.decryptMessageData(Buffer.from(payload))
    expect(message.obj.className).toBe('Pong')
    expect((message as unknown as { seqNo: number }).seqNo).toBe(3)
  })

  it('refuses a tampered msg_key, a wrong key or a short payload', async () => {
    const key = makeAuthKey(new Uint8Array(randomBytes(256)))
    const state = await gramjsState(key)
    const header = Buffer.alloc(16)
    header.writeBigInt64LE(4n, 0)
    header.writeInt32LE(PONG.length, 12)
    const payload = new Uint8Array(await state.encryptMessageData(Buffer.concat([header, PONG])))
    const tampered = payload.slice()
    tampered[10]! ^= 1
    expect(decryptClientMessage(key, tampered)).toBe('msg-key')
    expect(decryptClientMessage(makeAuthKey(new Uint8Array(randomBytes(256))), payload)).toBe('msg-key')
    expect(decryptClientMessage(key, payload.subarray(0, 40))).toBe('short')
  })

  it('never throws on arbitrary payloads', () => {
    const key = makeAuthKey(new Uint8Array(randomBytes(256)))
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (payload) => {
        expect(typeof decryptClientMessage(key, payload)).toBe('string')
      }),
      { numRuns: 1000 },
    )
  })

  it('computes msg_key over the key slice the side selects (x = 0 client, 8 server)', () => {
    const key = new Uint8Array(randomBytes(256))
    const plain = new Uint8Array(randomBytes(64))
    expect(computeMsgKey(key, plain, 0)).not.toEqual(computeMsgKey(key, plain, 8))
  })
})
