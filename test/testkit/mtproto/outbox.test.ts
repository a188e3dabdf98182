import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aesIgeDecrypt } from '../../../src/testkit/mtproto/aes-ige.js'
import { type AuthKey, deriveAesKeyIv, makeAuthKey } from '../../../src/testkit/mtproto/message-crypto.js'
import { batches, Outbox } from '../../../src/testkit/mtproto/outbox.js'
import { AuthKeyRecord, MsgIdClock } from '../../../src/testkit/mtproto/session.js'
import { decodeMessages } from '../../../src/wire/index.js'

/** Decrypts a server payload (x = 8) as a client would: its header fields and body. */
function open(key: AuthKey, payload: Uint8Array) {
  const { key: aesKey, iv } = deriveAesKeyIv(key.key, payload.subarray(8, 24), 8)
  const plain = aesIgeDecrypt(payload.subarray(24), aesKey, iv)
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength)
  return {
    sessionId: view.getBigInt64(8, true),
    msgId: view.getBigUint64(16, true),
    seqNo: view.getUint32(24, true),
    body: plain.subarray(32, 32 + view.getUint32(28, true)),
  }
}

function setup() {
  const key = makeAuthKey(new Uint8Array(256).fill(5))
  const record = new AuthKeyRecord(key, 1n, undefined)
  const written: Uint8Array[] = []
  let containers = 0
  const outbox = new Outbox({
    clock: new MsgIdClock(),
    containerSent: () => containers++,
    write: (payload) => written.push(payload),
  })
  return { key, record, outbox, written, containers: () => containers }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))
const body = (n: number) => new Uint8Array(8).fill(n)

describe('the outbox', () => {
  it('sends what one turn queues on a session as one container, with odd msg_ids and seq_nos by content', async () => {
    const { key, record, outbox, written, containers } = setup()
    const { session } = record.session(7n)
    const sentIds: bigint[] = []
    outbox.queue({ record, session, body: body(1), contentRelated: true, onSent: (id) => sentIds.push(id) })
    outbox.queue({ record, session, body: body(2), contentRelated: false })
    expect(written).toHaveLength(0)
    await nextTurn()
    expect(written).toHaveLength(1)
    expect(containers()).toBe(1)
    const envelope = open(key, written[0]!)
    expect(envelope.sessionId).toBe(7n)
    expect(envelope.msgId % 4n).toBe(1n)
    // The container itself is not content-related: twice the one content-related message before it.
    expect(envelope.seqNo).toBe(2)
    const inner = decodeMessages(envelope.body)
    expect(inner).toMatchObject([
      { kind: 'other', seqNo: 1, body: body(1) },
      { kind: 'other', seqNo: 2, body: body(2) },
    ])
    expect(inner[0]!.msgId).toBe(sentIds[0])
    expect(inner[0]!.msgId! < inner[1]!.msgId!).toBe(true)
    expect(inner[1]!.msgId! < envelope.msgId).toBe(true)
  })

  it('sends a lone message as itself, and each session its own payload', async () => {
    const { key, record, outbox, written, containers } = setup()
    const a = record.session(1n).session
    const b = record.session(2n).session
    outbox.queue({ record, session: a, body: body(1), contentRelated: true })
    outbox.queue({ record, session: b, body: body(2), contentRelated: true })
    await nextTurn()
    expect(containers()).toBe(0)
    expect(written.map((payload) => open(key, payload))).toMatchObject([
      { sessionId: 1n, seqNo: 1, body: body(1) },
      { sessionId: 2n, seqNo: 1, body: body(2) },
    ])
  })

  it('sends nothing once closed, neither what was queued nor what comes after', () => {
    const { record, outbox, written } = setup()
    const { session } = record.session(1n)
    outbox.queue({ record, session, body: body(1), contentRelated: true })
    outbox.close()
    outbox.queue({ record, session, body: body(2), contentRelated: true })
    outbox.flush()
    expect(written).toEqual([])
  })

  it('batches in order, within the byte bound unless a message alone exceeds it', () => {
    const item = fc.integer({ min: 0, max: 100 }).map((n) => ({ body: new Uint8Array(n * 4) }))
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.integer({ min: 1, max: 600 }), (items, maxBytes) => {
        const out = batches(items, maxBytes)
        expect(out.flat()).toEqual(items)
        for (const batch of out) {
          expect(batch.length).toBeGreaterThan(0)
          const size = batch.reduce((sum, i) => sum + i.body.length, 0)
          if (batch.length > 1) expect(size).toBeLessThanOrEqual(maxBytes)
        }
      }),
    )
  })
})
