import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { TlBinaryReader } from '@mtcute/tl-runtime'
import Long from 'long'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aesIgeDecrypt, aesIgeEncrypt } from '../../../src/testkit/mtproto/aes-ige.js'
import type { CallHandler, CallOutcome, MtprotoCall } from '../../../src/testkit/mtproto/call-handler.js'
import { DcServer } from '../../../src/testkit/mtproto/dc-server.js'
import { FrameCodec } from '../../../src/testkit/mtproto/framing.js'
import {
  type AuthKey,
  computeMsgKey,
  deriveAesKeyIv,
  makeAuthKey,
} from '../../../src/testkit/mtproto/message-crypto.js'
import { generateServerRsaKey } from '../../../src/testkit/mtproto/rsa-key.js'
import { AuthKeyRecord, MsgIdClock } from '../../../src/testkit/mtproto/session.js'
import { StatsCollector } from '../../../src/testkit/mtproto/stats.js'
import { TlCodec, type TlObject } from '../../../src/testkit/mtproto/tl-codec.js'
import { userObject } from '../../../src/testkit/mtproto/world-objects.js'
import { encodeGzipPacked, encodeMsgContainer } from '../../../src/wire/index.js'

/** One message from the server, unwrapped from containers; rpc_result bodies are decoded. */
interface Received {
  msgId: bigint
  seqNo: number
  obj: TlObject
  reqMsgId?: bigint
}

const codec = TlCodec.shared()
const FIRST_SALT = 77n

/**
 * A minimal MTProto 2.0 client written from the spec, to check the server's service-message
 * behaviour directly (the real clients hide most of it).
 */
class RawClient {
  readonly sessionId = randomBytes(8).readBigInt64LE(0)
  salt = FIRST_SALT
  private readonly frames = new FrameCodec()
  private readonly inbox: Received[] = []
  private waiters: (() => void)[] = []
  private nextMsgId = BigInt(Math.floor(Date.now() / 1000)) << 32n
  closed = false

  private constructor(
    private readonly socket: Socket,
    private readonly key: AuthKey,
  ) {
    this.frames.kind = 'intermediate'
    socket.on('data', (chunk) => {
      for (const payload of this.frames.decode(new Uint8Array(chunk))) this.receive(payload)
    })
    socket.on('close', () => {
      this.closed = true
      for (const wake of this.waiters.splice(0)) wake()
    })
  }

  static open(port: number, key: AuthKey): Promise<RawClient> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(Buffer.alloc(4, 0xee))
        resolve(new RawClient(socket, key))
      })
    })
  }

  /** Sends a body (TL bytes, or an object serialised at mtcute's layer); returns its msg_id. */
  send(body: Uint8Array | TlObject, explicitMsgId?: bigint): bigint {
    this.nextMsgId += 4n
    const msgId = explicitMsgId ?? this.nextMsgId
    const bytes = body instanceof Uint8Array ? body : codec.encodeObject(body, undefined)
    const header = Buffer.alloc(32)
    header.writeBigInt64LE(this.salt, 0)
    header.writeBigInt64LE(this.sessionId, 8)
    header.writeBigInt64LE(msgId, 16)
    header.writeUInt32LE(1, 24)
    header.writeUInt32LE(bytes.length, 28)
    const padding = 12 + ((16 - ((32 + bytes.length + 12) % 16)) % 16)
    const plain = new Uint8Array(Buffer.concat([header, bytes, randomBytes(padding)]))
    const msgKey = computeMsgKey(this.key.key, plain, 0)
    const { key, iv } = deriveAesKeyIv(this.key.key, msgKey, 0)
    const id = Buffer.alloc(8)
    id.writeBigUInt64LE(this.key.id)
    this.socket.write(
      this.frames.encode(new Uint8Array(Buffer.concat([id, msgKey, aesIgeEncrypt(plain, key, iv)]))),
    )
    return msgId
  }

  /** Waits until a received message satisfies `match`, and returns it. */
  async expect(match: (m: Received) => boolean, timeoutMs = 2000): Promise<Received> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.inbox.find(match)
      if (found) return found
      if (this.closed || Date.now() > deadline)
        throw new Error(`no such message; got ${this.inbox.map((m) => m.obj._)}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  received(): Received[] {
    return this.inbox
  }

  close(): void {
    this.socket.destroy()
  }

  private receive(payload: Uint8Array): void {
    const msgKey = payload.subarray(8, 24)
    const { key, iv } = deriveAesKeyIv(this.key.key, msgKey, 8)
    const plain = aesIgeDecrypt(payload.subarray(24), key, iv)
    expect(computeMsgKey(this.key.key, plain, 8)).toEqual(msgKey)
    const view = Buffer.from(plain)
    expect(view.readBigInt64LE(8)).toBe(this.sessionId)
    const length = view.readUInt32LE(28)
    this.unpack(view.readBigInt64LE(16), view.readUInt32LE(24), plain.subarray(32, 32 + length))
    for (const wake of this.waiters.splice(0)) wake()
  }

  private unpack(msgId: bigint, seqNo: number, body: Uint8Array): void {
    // Server msg_ids are odd; both clients drop even ones.
    expect(msgId % 2n).toBe(1n)
    const r = TlBinaryReader.manual(body)
    const id = r.uint()
    if (id === 0x73f1f8dc) {
      const count = r.uint()
      for (let i = 0; i < count; i++) {
        const inner = BigInt(r.long().toString())
        const innerSeq = r.uint()
        this.unpack(inner, innerSeq, r.raw(r.uint()))
      }
    } else if (id === 0xf35c6d01) {
      const reqMsgId = BigInt(r.long().toString())
      let result = r.raw()
      if (Buffer.from(result).readUInt32LE(0) === 0x3072cfa1) {
        result = gunzipSync(TlBinaryReader.manual(result, 4).bytes())
      }
      this.inbox.push({ msgId, seqNo, reqMsgId, obj: decodeResult(result) })
    } else {
      this.inbox.push({ msgId, seqNo, obj: codec.decode(body) })
    }
  }
}

/** rpc_result bodies: errors and objects through the codec, a bare vector header by hand. */
function decodeResult(bytes: Uint8Array): TlObject {
  if (Buffer.from(bytes).readUInt32LE(0) === 0x1cb5c415) {
    return { _: 'vector', first: Buffer.from(bytes).readUInt32LE(8).toString(16) }
  }
  return codec.decode(bytes)
}

describe('the MTProto 2.0 session layer', () => {
  const stats = new StatsCollector()
  const key = makeAuthKey(new Uint8Array(randomBytes(256)))
  const record = new AuthKeyRecord(key, FIRST_SALT, undefined)
  const calls: MtprotoCall[] = []
  const answers = new Map<string, CallOutcome>()
  const handler: CallHandler = {
    handle(call) {
      calls.push(call)
      return (
        answers.get(call.method) ?? { result: { _: 'nearestDc', country: 'ZZ', thisDc: 2, nearestDc: 2 } }
      )
    },
  }
  let server: DcServer
  let port: number
  const clients: RawClient[] = []

  beforeAll(async () => {
    server = new DcServer({
      dcId: 2,
      codec,
      rsa: generateServerRsaKey(),
      handler,
      keys: new Map([[key.id, record]]),
      clock: new MsgIdClock(),
      stats,
      idleTimeoutMs: 5_000,
    })
    port = await server.listen('127.0.0.1')
  })
  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
    expect(stats.snapshot().internalErrors).toEqual([])
  })

  async function client(): Promise<RawClient> {
    const c = await RawClient.open(port, key)
    clients.push(c)
    return c
  }

  it('answers a wrong salt with bad_server_salt, then the retried call with new_session_created + rpc_result', async () => {
    const c = await client()
    c.salt = 1234n
    const first = c.send({ _: 'help.getNearestDc' })
    const bad = await c.expect((m) => m.obj._ === 'mt_bad_server_salt')
    expect(bad.obj).toMatchObject({ errorCode: 48 })
    expect((bad.obj.badMsgId as Long).toString()).toBe(first.toString())
    c.salt = BigInt((bad.obj.newServerSalt as Long).toString())
    const retry = c.send({ _: 'help.getNearestDc' })
    const created = await c.expect((m) => m.obj._ === 'mt_new_session_created')
    expect((created.obj.firstMsgId as Long).toString()).toBe(retry.toString())
    const result = await c.expect((m) => m.reqMsgId === retry)
    expect(result.obj).toMatchObject({ _: 'nearestDc', thisDc: 2 })
    // Both were produced in one turn, so they travelled in one container.
    expect(stats.snapshot().containers.sent).toBeGreaterThanOrEqual(1)
  })

  it('answers ping with pong and get_future_salts with salts starting at the current one', async () => {
    const c = await client()
    const ping = c.send({ _: 'mt_ping', pingId: Long.fromInt(99) })
    const pong = await c.expect((m) => m.obj._ === 'mt_pong')
    expect(pong.obj.pingId).toEqual(Long.fromInt(99))
    expect((pong.obj.msgId as Long).toString()).toBe(ping.toString())
    c.send({ _: 'mt_get_future_salts', num: 3 })
    const salts = await c.expect((m) => m.obj._ === 'mt_future_salts')
    const list = salts.obj.salts as { salt: Long; validSince: number; validUntil: number }[]
    expect(list).toHaveLength(3)
    expect(list[0]!.salt.toString()).toBe(FIRST_SALT.toString())
    expect(list[1]!.validSince).toBe(list[0]!.validUntil)
  })

  it('reads gzip_packed and containered requests, and records the layer from invokeWithLayer', async () => {
    const c = await client()
    answers.set('users.getUsers', {
      result: [
        userObject(
          {
            id: 5,
            accessHash: Long.ONE,
            firstName: 'A',
            username: 'a',
            phone: undefined,
            bot: false,
          },
          false,
          0,
        ),
      ],
    })
    const inner = codec.encodeObject(
      { _: 'invokeWithLayer', layer: 198, query: { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] } },
      undefined,
    )
    const sent = c.send(encodeGzipPacked(inner))
    const answer = await c.expect((m) => m.reqMsgId === sent)
    // user#4b46c37e is layer 198's constructor; mtcute's layer would send user#31774388.
    expect(answer.obj).toEqual({ _: 'vector', first: '4b46c37e' })
    expect(record.layer).toBe(198)
    expect(calls.at(-1)).toMatchObject({ method: 'users.getUsers', layer: 198, dcId: 2 })

    const container = containerOf([
      [1, codec.encodeObject({ _: 'help.getNearestDc' }, undefined)],
      [0, codec.encodeObject({ _: 'mt_msgs_ack', msgIds: [Long.ONE] }, undefined)],
    ])
    const before = stats.snapshot().containers.received
    c.send(container.bytes)
    await c.expect((m) => m.reqMsgId === container.ids[0])
    expect(stats.snapshot().containers.received).toBe(before + 1)
    expect(stats.snapshot().gzipPacked.received).toBeGreaterThanOrEqual(1)
  })

  it('drops replays, flags bad msg_ids, and answers rpc_drop_answer', async () => {
    const c = await client()
    const id = c.send({ _: 'help.getNearestDc' })
    await c.expect((m) => m.reqMsgId === id)
    const callsBefore = calls.length
    c.send({ _: 'help.getNearestDc' }, id)
    c.send({ _: 'help.getNearestDc' }, id + 2n) // not a multiple of 4
    const bad = await c.expect((m) => m.obj._ === 'mt_bad_msg_notification')
    expect(bad.obj.errorCode).toBe(18)
    expect(calls.length).toBe(callsBefore)
    const drop = c.send({ _: 'mt_rpc_drop_answer', reqMsgId: Long.fromString(id.toString()) })
    const dropped = await c.expect((m) => m.reqMsgId === drop)
    expect(dropped.obj._).toBe('mt_rpc_answer_unknown')
  })

  it('turns handler outcomes into rpc_error, silence or a dropped connection', async () => {
    const c = await client()
    answers.set('help.getConfig', { error: { code: 420, message: 'FLOOD_WAIT_3' } })
    const failed = c.send({ _: 'help.getConfig' })
    expect((await c.expect((m) => m.reqMsgId === failed)).obj).toEqual({
      _: 'mt_rpc_error',
      errorCode: 420,
      errorMessage: 'FLOOD_WAIT_3',
    })
    answers.set('help.getAppConfig', { drop: 'silence' })
    const silent = c.send({ _: 'help.getAppConfig', hash: 0 })
    answers.set('help.getSupport', { drop: 'close' })
    c.send({ _: 'help.getSupport' })
    await expect(c.expect((m) => m.reqMsgId === silent, 1000)).rejects.toThrow(/no such message/)
    expect(c.closed).toBe(true)
  })

  it('closes the connection when ping_delay_disconnect is not renewed in time', async () => {
    const c = await client()
    c.send({ _: 'mt_ping_delay_disconnect', pingId: Long.ONE, disconnectDelay: 1 })
    await c.expect((m) => m.obj._ === 'mt_pong')
    const started = Date.now()
    while (!c.closed && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 50))
    expect(c.closed).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(800)
  })
})

let containerMsgId = (BigInt(Math.floor(Date.now() / 1000)) << 32n) + 4n * 100_000n

/** A msg_container of the given bodies, with fresh msg_ids (the seq_no is carried but unchecked). */
function containerOf(items: [number, Uint8Array][]): { bytes: Uint8Array; ids: bigint[] } {
  const messages = items.map(([seqNo, body]) => {
    containerMsgId += 4n
    return { msgId: containerMsgId, seqNo, body }
  })
  return { bytes: encodeMsgContainer(messages), ids: messages.map((m) => m.msgId) }
}
