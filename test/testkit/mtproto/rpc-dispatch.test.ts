import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { CallHandler, CallOutcome, MtprotoCall } from '../../../src/testkit/mtproto/call-handler.js'
import { makeAuthKey } from '../../../src/testkit/mtproto/message-crypto.js'
import { answerCall, type CallAnswer, packResult } from '../../../src/testkit/mtproto/rpc-dispatch.js'
import { AuthKeyRecord } from '../../../src/testkit/mtproto/session.js'
import { StatsCollector } from '../../../src/testkit/mtproto/stats.js'
import { TlCodec, type TlObject } from '../../../src/testkit/mtproto/tl-codec.js'
import { configObject } from '../../../src/testkit/mtproto/world-objects.js'
import { decodeRpcResult, encodeRpcResult } from '../../../src/wire/index.js'

const codec = TlCodec.shared()
const MSG_ID = 0x6000_0000_0000_0008n
const NEAREST: TlObject = { _: 'nearestDc', country: 'ZZ', thisDc: 2, nearestDc: 2 }

/** A DC whose handler answers `outcome` (or throws it, when it is an Error), recording the calls. */
function setup(outcome: CallOutcome | Error) {
  const calls: MtprotoCall[] = []
  const delivered: { floodKey: string; messageId: bigint }[] = []
  const handler: CallHandler = {
    handle(call) {
      calls.push(call)
      if (outcome instanceof Error) throw outcome
      return outcome
    },
    delivered: (floodKey, notice) => delivered.push({ floodKey, messageId: notice.messageId }),
  }
  const stats = new StatsCollector()
  const record = new AuthKeyRecord(makeAuthKey(new Uint8Array(256).fill(2)), 1n, undefined)
  const { session } = record.session(3n)
  let closed = false
  const answer = (request: TlObject) =>
    answerCall(
      { dcId: 2, codec, handler, stats },
      { record, session, msgId: MSG_ID, request, abandoned: () => closed },
    )
  return { calls, delivered, stats, record, session, answer, close: () => (closed = true) }
}

/** The rpc_result an answer carries, read with the wire's decoder. */
function resultOf(answer: CallAnswer) {
  if (!('body' in answer)) throw new Error(`no body: dropped (${answer.drop})`)
  return decodeRpcResult(answer.body)
}

describe('answering an API call', () => {
  it('peels invokeWithLayer and initConnection, keeping the layer and client, and asks the handler', async () => {
    const { calls, record, answer } = setup({ result: NEAREST })
    const reply = await answer({
      _: 'invokeWithLayer',
      layer: 198,
      query: {
        _: 'initConnection',
        apiId: 7,
        deviceModel: 'test',
        appVersion: '1.0',
        query: { _: 'invokeWithoutUpdates', query: { _: 'help.getNearestDc' } },
      },
    })
    expect(record.layer).toBe(198)
    expect(record.client).toEqual({ apiId: 7, deviceModel: 'test', appVersion: '1.0' })
    expect(calls).toEqual([
      expect.objectContaining({
        dcId: 2,
        method: 'help.getNearestDc',
        layer: 198,
        receipt: { channel: '2/3', seenUpTo: MSG_ID },
      }),
    ])
    const { reqMsgId, outcome } = resultOf(reply)
    expect(reqMsgId).toBe(MSG_ID)
    expect(outcome.ok && codec.decode(outcome.body)).toEqual(NEAREST)
  })

  it('answers rpc_error for refusals, telling the handler the msg_id a flood refusal left in', async () => {
    const { delivered, stats, answer } = setup({
      error: { code: 420, message: 'FLOOD_WAIT_3' },
      floodKey: 'k',
    })
    const reply = await answer({ _: 'help.getNearestDc' })
    const { outcome } = resultOf(reply)
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.error).toMatchObject({ code: 420, errorMessage: 'FLOOD_WAIT_3' })
    expect(stats.snapshot().rpcErrors).toEqual({ FLOOD_WAIT_3: 1 })
    if ('body' in reply) reply.onSent?.(99n)
    expect(delivered).toEqual([{ floodKey: 'k', messageId: 99n }])
  })

  it('answers 500 INTERNAL, and lists an internal error, when the handler throws or the result does not serialise', async () => {
    for (const outcome of [new Error('boom'), { result: { _: 'noSuchConstructor' } }]) {
      const { stats, answer } = setup(outcome)
      const { outcome: got } = resultOf(await answer({ _: 'help.getNearestDc' }))
      expect(got.ok === false && got.error).toMatchObject({ code: 500, errorMessage: 'INTERNAL' })
      expect(stats.snapshot().internalErrors).toHaveLength(1)
    }
  })

  it('answers INPUT_METHOD_INVALID when the wrappers hold no method, without asking the handler', async () => {
    const { calls, answer } = setup({ result: NEAREST })
    const { outcome } = resultOf(await answer({ _: 'invokeWithLayer', layer: 1, query: { _: 'nearestDc' } }))
    expect(outcome.ok === false && outcome.error.errorMessage).toBe('INPUT_METHOD_INVALID')
    expect(calls).toHaveLength(0)
  })

  it('binds the key on authorize, but not when the connection closed while the handler ran', async () => {
    const open = setup({ result: NEAREST, authorize: 'alice' })
    await open.answer({ _: 'help.getNearestDc' })
    expect(open.record.account).toBe('alice')
    const closing = setup({ result: NEAREST, authorize: 'alice' })
    closing.close()
    expect(await closing.answer({ _: 'help.getNearestDc' })).toEqual({ drop: 'silence' })
    expect(closing.record.account).toBeUndefined()
  })

  it('forgets the msg_id of a call dropped with the connection, so its resend is served', async () => {
    const { session, answer } = setup({ drop: 'close' })
    session.markSeen(MSG_ID)
    expect(await answer({ _: 'help.getNearestDc' })).toEqual({ drop: 'close' })
    expect(session.markSeen(MSG_ID)).toBe(true)
  })
})

describe('packing results', () => {
  it('gzips a large compressible result and leaves small or incompressible ones alone', () => {
    const dcs = [1, 2, 3, 4, 5].map((id) => ({ id, host: '127.0.0.1', port: 40_000 + id }))
    const config = codec.encodeObject(configObject(dcs, 2, 1_700_000_000), undefined)
    const packed = packResult(config)
    expect(packed.length).toBeLessThan(config.length)
    const { outcome } = decodeRpcResult(encodeRpcResult(1n, packed))
    expect(outcome).toMatchObject({ ok: true, gzipped: true, body: config })
    const small = codec.encodeObject(NEAREST, undefined)
    expect(packResult(small)).toBe(small)
    const noise = new Uint8Array(randomBytes(4096))
    expect(packResult(noise)).toBe(noise)
  })
})
