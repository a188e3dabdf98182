import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aesIgeEncrypt } from '../../../src/testkit/mtproto/aes-ige.js'
import { DcServer } from '../../../src/testkit/mtproto/dc-server.js'
import {
  type AuthKey,
  computeMsgKey,
  deriveAesKeyIv,
  makeAuthKey,
} from '../../../src/testkit/mtproto/message-crypto.js'
import { generateServerRsaKey } from '../../../src/testkit/mtproto/rsa-key.js'
import { AuthKeyRecord, MsgIdClock } from '../../../src/testkit/mtproto/session.js'
import { StatsCollector } from '../../../src/testkit/mtproto/stats.js'
import { TlCodec } from '../../../src/testkit/mtproto/tl-codec.js'

/**
 * Arbitrary bytes on a connection must never crash the DC (an exception in a socket callback
 * would take the whole test process down) nor leave a connection open once the client is gone.
 */
describe('a DC fed arbitrary bytes', () => {
  const stats = new StatsCollector()
  const key: AuthKey = makeAuthKey(new Uint8Array(randomBytes(256)))
  let server: DcServer
  let port: number

  beforeAll(async () => {
    const keys = new Map([[key.id, new AuthKeyRecord(key, 0n, undefined)]])
    server = new DcServer({
      dcId: 2,
      codec: new TlCodec(),
      rsa: generateServerRsaKey(),
      // Any call that does decode gets an answer; the point is what happens before that.
      handler: { handle: () => ({ error: { code: 400, message: 'FUZZ' } }) },
      keys,
      clock: new MsgIdClock(),
      stats,
      idleTimeoutMs: 5_000,
    })
    port = await server.listen('127.0.0.1')
  })

  afterAll(async () => {
    await server.close()
  })

  /** Sends the chunks, half-closes, and resolves with what came back once the DC has closed too. */
  function exchange(chunks: Uint8Array[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      const received: Buffer[] = []
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error('the DC kept the connection open after the client left'))
      }, 3_000)
      socket.on('data', (data) => received.push(data))
      socket.on('error', () => {})
      socket.on('close', () => {
        clearTimeout(timer)
        resolve(Buffer.concat(received))
      })
      socket.on('connect', () => {
        for (const chunk of chunks) socket.write(chunk)
        socket.end()
      })
    })
  }

  async function expectAllClosed() {
    for (let i = 0; i < 50 && stats.snapshot().connections.open > 0; i++)
      await new Promise((r) => setTimeout(r, 20))
    expect(stats.snapshot().connections.open).toBe(0)
  }

  it('survives arbitrary chunks and closes every connection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), async (chunks) => {
        await exchange(chunks)
      }),
      { numRuns: 150 },
    )
    await expectAllClosed()
  })

  it('answers -404 and closes for undecryptable messages under a known auth key', async () => {
    const idBytes = Buffer.alloc(8)
    idBytes.writeBigUInt64LE(key.id)
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 400 }), async (rest) => {
        const payload = Buffer.concat([idBytes, rest, Buffer.alloc((4 - ((8 + rest.length) % 4)) % 4)])
        const length = Buffer.alloc(4)
        length.writeUInt32LE(payload.length)
        const answer = await exchange([Buffer.alloc(4, 0xee), length, payload])
        expect([...answer]).toEqual([4, 0, 0, 0, 0x6c, 0xfe, 0xff, 0xff])
      }),
      { numRuns: 100 },
    )
    await expectAllClosed()
  })

  it('survives well-encrypted messages with arbitrary bodies: containers, gzip, truncated calls', async () => {
    const word = (n: number) => {
      const b = Buffer.alloc(4)
      b.writeUInt32LE(n >>> 0)
      return b
    }
    const aligned = (bytes: Uint8Array) => Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)])
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map(aligned),
      // msg_container with arbitrary count and contents
      fc
        .tuple(fc.nat(), fc.uint8Array({ maxLength: 200 }))
        .map(([n, rest]) => aligned(Buffer.concat([word(0x73f1f8dc), word(n), rest]))),
      // gzip_packed holding arbitrary (well-compressed) bytes
      fc.uint8Array({ maxLength: 200 }).map((inner) => {
        const packed = gzipSync(inner)
        return aligned(Buffer.concat([word(0x3072cfa1), Buffer.of(packed.length), packed]))
      }),
      // a real method id (help.getConfig, invokeWithLayer, messages.sendMessage) with arbitrary fields
      fc
        .tuple(fc.constantFrom(0xc4f9186b, 0xda9b0d0d, 0xfe05dc9a), fc.uint8Array({ maxLength: 100 }))
        .map(([id, rest]) => aligned(Buffer.concat([word(id), rest]))),
    )
    await fc.assert(
      fc.asyncProperty(body, fc.bigInt({ min: 1n, max: 2n ** 62n }), async (content, sessionId) => {
        const answer = await exchange([
          Buffer.alloc(4, 0xee),
          ...intermediate(encrypt(key, sessionId, content)),
        ])
        // Either an encrypted answer (bad salt, rpc_error, ...) or the transport error: never silence-and-hang.
        expect(answer.length).toBeGreaterThan(0)
      }),
      { numRuns: 150 },
    )
    await expectAllClosed()
    expect(stats.snapshot().internalErrors).toEqual([])
  })
})

let sent = 0

/** Encrypts a client message (x = 0) with salt 0, the key's first salt here. */
function encrypt(key: AuthKey, sessionId: bigint, body: Uint8Array): Buffer {
  const header = Buffer.alloc(32)
  header.writeBigInt64LE(0n, 0)
  header.writeBigInt64LE(sessionId, 8)
  // Unique per message: a repeated msg_id is a replay, which the DC drops without a word.
  header.writeBigInt64LE((BigInt(Math.floor(Date.now() / 1000)) << 32n) + 4n * BigInt(++sent), 16)
  header.writeUInt32LE(1, 24)
  header.writeUInt32LE(body.length, 28)
  const padding = 12 + ((16 - ((32 + body.length + 12) % 16)) % 16)
  const plain = new Uint8Array(Buffer.concat([header, body, randomBytes(padding)]))
  const msgKey = computeMsgKey(key.key, plain, 0)
  const { key: aesKey, iv } = deriveAesKeyIv(key.key, msgKey, 0)
  const id = Buffer.alloc(8)
  id.writeBigUInt64LE(key.id)
  return Buffer.concat([id, msgKey, aesIgeEncrypt(plain, aesKey, iv)])
}

function intermediate(payload: Buffer): Buffer[] {
  const length = Buffer.alloc(4)
  length.writeUInt32LE(payload.length)
  return [length, payload]
}
