import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { startCluster as startPublicCluster } from '../../src/testkit/index.js'
import { FrameReader, frame, INTERMEDIATE_TAG } from '../../src/testkit/plain/framing.js'
import { connect, type PlainCluster, startPlainCluster } from '../../src/testkit/plain/index.js'
import {
  decodePlainMessage,
  decodeResult,
  encodeCall,
  encodePlainMessage,
} from '../../src/testkit/plain/protocol.js'
import { DEFAULT_SERVER_LIMITS } from '../../src/testkit/plain/server-limits.js'
import { decodeMessages } from '../../src/wire/index.js'
import { openRawPeer, type RawPeer, sendInSegments, trickle, until, within } from './support/raw-peer.js'

let cluster: PlainCluster | undefined
const peers: RawPeer[] = []

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.socket.destroy()
  await cluster?.stop()
  cluster = undefined
})

async function peer(dcIndex = 0): Promise<RawPeer> {
  const dc = cluster!.dcs[dcIndex]!
  const opened = await openRawPeer(dc.port, dc.host)
  peers.push(opened)
  return opened
}

const tag = (() => {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, INTERMEDIATE_TAG, true)
  return bytes
})()

/** The tag and `count` pipelined help.getConfig calls, with msg_ids 4, 8, ... */
function callStream(count: number): Uint8Array {
  const frames = Array.from({ length: count }, (_, i) =>
    frame(encodePlainMessage(BigInt(4 * (i + 1)), encodeCall(undefined, 'help.getConfig', {}))),
  )
  return Buffer.concat([tag, ...frames])
}

/** The answers in a DC's bytes, by the msg_id of the call they answer, in msg_id order. */
function answersIn(bytes: Uint8Array): [string, unknown][] {
  const answers: [string, unknown][] = []
  for (const packet of new FrameReader(16 << 20).push(bytes)) {
    for (const message of decodeMessages(decodePlainMessage(packet).body)) {
      if (message.kind === 'rpc_result' && message.outcome.ok)
        answers.push([String(message.reqMsgId), decodeResult(message.outcome.body)])
    }
  }
  return answers.sort(([a], [b]) => Number(a) - Number(b))
}

/** Bytes the DC holds for a stream cut at `sent`: the unfinished tag or frame, complete calls excluded. */
function heldAfter(stream: Uint8Array, sent: number): number {
  if (sent < 4) return sent
  let offset = 4
  for (;;) {
    if (sent - offset < 4) return sent - offset
    const length = new DataView(stream.buffer, stream.byteOffset + offset, 4).getUint32(0, true)
    if (sent - offset - 4 < length) return sent - offset
    offset += 4 + length
  }
}

describe('the plain DC under hostile clients', () => {
  it('stops reading a connection it rejected: later chunks are neither served nor counted', async () => {
    cluster = await startPlainCluster()
    // Half-open: it keeps writing after the DC has ended its side, which an ordinary socket would not.
    const dc = cluster.dcs[0]!
    const raw = await openRawPeer(dc.port, dc.host, true)
    peers.push(raw)
    await raw.write(Buffer.from('GET / HTTP/1.1\r\n'))
    await until(() => raw.received().length >= 8, 5_000, 'the -404')
    for (let i = 0; i < 5; i++) await raw.write(Buffer.concat([tag, frame(new Uint8Array(8))]))
    await within(raw.closed, 5_000, 'the DC closing the rejected connection')
    expect(raw.received().readInt32LE(4)).toBe(-404)
    expect(raw.received().length).toBe(8)
    expect(cluster.report()).toMatchObject({ badFrames: 1, requests: 0 })
    await until(() => cluster!.report().openConnections === 0, 5_000, 'the connection to be released')
  })

  it('accepts the transport tag split across TCP segments, byte by byte', async () => {
    cluster = await startPlainCluster()
    const raw = await peer()
    const stream = callStream(1)
    for (let sent = 1; sent <= 4; sent++) {
      await raw.write(stream.subarray(sent - 1, sent))
      const held = heldAfter(stream, sent)
      await until(() => cluster!.report().bufferedBytes === held, 5_000, `tag byte ${sent} to land`)
    }
    await raw.write(stream.subarray(4))
    await until(() => answersIn(raw.received()).length === 1, 5_000, 'the answer')
    expect(answersIn(raw.received())[0]?.[1]).toMatchObject({ thisDc: 1 })
    expect(cluster.report().badFrames).toBe(0)
  })

  it('closes a connection that says nothing for idleTimeoutMs, and releases all 500 of them', async () => {
    cluster = await startPlainCluster({ idleTimeoutMs: 200, dcCount: 1 })
    const silent = await Promise.all(Array.from({ length: 500 }, () => peer()))
    await within(Promise.all(silent.map((p) => p.closed)), 20_000, 'the idle connections to close')
    await until(() => cluster!.report().openConnections === 0, 5_000, 'every connection to be released')
    // Not maxConcurrentConnections: on a loaded machine the first may time out before the last connect.
    expect(cluster.report()).toMatchObject({ idleTimeouts: 500, connections: 500 })
  })

  it('closes a connection whose request stays unfinished for partialFrameTimeoutMs, though bytes trickle in', async () => {
    cluster = await startPlainCluster({ idleTimeoutMs: 60_000, partialFrameTimeoutMs: 300 })
    const raw = await peer()
    const stream = callStream(1)
    // One byte at a time keeps the connection from being idle; only the unfinished frame can end it.
    const sent = await trickle(raw, stream, 20)
    await within(raw.closed, 5_000, 'the slow request to be cut')
    expect(sent).toBeLessThan(stream.length - 1)
    expect(cluster.report()).toMatchObject({ partialFrameTimeouts: 1, idleTimeouts: 0, requests: 0 })
  })

  it('refuses connections past maxConnections with -429 and serves again once one closes', async () => {
    cluster = await startPlainCluster({ maxConnections: 3 })
    const held = await Promise.all([peer(0), peer(1), peer(2)])
    await until(() => cluster!.report().openConnections === 3, 5_000, 'three connections')
    const extra = await peer(3)
    await within(extra.closed, 5_000, 'the extra connection to be refused')
    expect(extra.received().readInt32LE(4)).toBe(-429)
    expect(cluster.report()).toMatchObject({ connectionsRefused: 1, openConnections: 3 })
    held[0]!.socket.destroy()
    await until(() => cluster!.report().openConnections === 2, 5_000, 'the closed one to be released')
    const client = connect(cluster, {})
    await expect(client.send({ method: 'help.getConfig', dcId: 2 })).resolves.toMatchObject({ thisDc: 2 })
    client.close()
  })

  it('bounds the bytes of half-sent requests across the cluster by maxBufferedBytes', async () => {
    const maxBufferedBytes = 1 << 20
    cluster = await startPlainCluster({ maxBufferedBytes, maxRequestBytes: 256 << 10 })
    const header = new Uint8Array(4)
    new DataView(header.buffer).setUint32(0, 256 << 10, true)
    const partial = Buffer.concat([tag, header, new Uint8Array(200 << 10)])
    const hoarders = await Promise.all(Array.from({ length: 10 }, (_, i) => peer(i % 5)))
    for (const hoarder of hoarders) await hoarder.write(partial)
    await until(() => cluster!.report().bufferRefusals === 5, 10_000, 'five hoarders to be refused')
    const report = cluster.report()
    expect(report.peakBufferedBytes).toBeLessThanOrEqual(maxBufferedBytes)
    expect(report.bufferedBytes).toBe(5 * (partial.length - 4))
    const client = connect(cluster, {})
    await expect(client.send({ method: 'help.getConfig', dcId: 1 })).resolves.toMatchObject({ thisDc: 1 })
    client.close()
  })

  it('checks its limits where they are given, naming the option', async () => {
    await expect(startPlainCluster({ idleTimeoutMs: Number.NaN })).rejects.toThrow(/idleTimeoutMs/)
    await expect(startPlainCluster({ maxConnections: 0 })).rejects.toThrow(RangeError)
    await expect(startPlainCluster({ maxBufferedBytes: 1.5 })).rejects.toThrow(/maxBufferedBytes/)
    await expect(startPlainCluster({ partialFrameTimeoutMs: 2 ** 31 })).rejects.toThrow(
      /partialFrameTimeoutMs/,
    )
    await expect(startPlainCluster({ maxRequestBytes: '1024' as unknown as number })).rejects.toThrow(
      TypeError,
    )
    expect(DEFAULT_SERVER_LIMITS.maxConnections).toBeGreaterThan(0)
  })

  it('takes Infinity for a timeout ("never") and names the owner, through the public startCluster too', async () => {
    await expect(startPublicCluster({ idleTimeoutMs: 0 })).rejects.toThrow(
      /^startCluster: idleTimeoutMs must be in \(0, 2147483647\] ms or Infinity, got 0$/,
    )
    cluster = await startPublicCluster({ idleTimeoutMs: Number.POSITIVE_INFINITY, dcCount: 1 })
    const client = connect(cluster, {})
    await expect(client.send({ method: 'help.getConfig', dcId: 1 })).resolves.toMatchObject({ thisDc: 1 })
    client.close()
  })

  it('serves any split of a valid stream into TCP segments exactly as the unsplit stream', async () => {
    cluster = await startPlainCluster({ dcCount: 1 })
    const stream = callStream(3)
    const whole = await peer()
    await whole.write(stream)
    await until(() => answersIn(whole.received()).length === 3, 5_000, 'the unsplit answers')
    const expected = answersIn(whole.received())
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const raw = await peer()
          await sendInSegments(
            raw,
            stream,
            cuts,
            (sent) => heldAfter(stream, sent),
            () => cluster!.report().bufferedBytes,
          )
          await until(() => answersIn(raw.received()).length === 3, 5_000, 'the answers')
          expect(answersIn(raw.received())).toEqual(expected)
          raw.socket.destroy()
          await raw.closed
        },
      ),
      { numRuns: 25 },
    )
    expect(cluster.report().badFrames).toBe(0)
  })

  it('never holds more than maxBufferedBytes whatever garbage arrives, and closes what it refuses', async () => {
    const maxBufferedBytes = 32 << 10
    cluster = await startPlainCluster({ dcCount: 1, maxBufferedBytes, maxRequestBytes: 24 << 10 })
    // Two classes: random bytes (most are refused at the tag or the length), and the garbage that
    // costs memory, a good tag and a plausible length followed by part of the body it promises.
    const randomBytes = fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 << 10, size: 'max' }), {
      minLength: 1,
      maxLength: 4,
    })
    // Unbiased: fast-check's default leans to small values, which would hold almost nothing.
    const halfSent = fc.noBias(fc.integer({ min: 1, max: 6 << 10 })).chain((words) =>
      fc.noBias(fc.integer({ min: 0, max: words * 4 - 1 })).map((sent) => {
        const header = new Uint8Array(4)
        new DataView(header.buffer).setUint32(0, words * 4, true)
        return [tag, header, new Uint8Array(sent).fill(7)]
      }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ arbitrary: halfSent, weight: 3 }, { arbitrary: randomBytes, weight: 1 }), {
          minLength: 3,
          maxLength: 8,
        }),
        async (streams) => {
          const raws = await Promise.all(streams.map(() => peer()))
          await Promise.all(
            streams.map(async (chunks, i) => {
              for (const chunk of chunks) if (chunk.length > 0) await raws[i]!.write(chunk)
            }),
          )
          // Only now half-close every one, so their unfinished requests are all held at once. The DC
          // reads everything before the end and then closes: once closed, it has seen every byte.
          for (const raw of raws) raw.socket.end()
          await within(Promise.all(raws.map((raw) => raw.closed)), 5_000, 'the DC to close every connection')
          expect(cluster!.report().peakBufferedBytes).toBeLessThanOrEqual(maxBufferedBytes)
          await until(() => cluster!.report().openConnections === 0, 5_000, 'every connection to be released')
          expect(cluster!.report().bufferedBytes).toBe(0)
        },
      ),
      { numRuns: 20 },
    )
  })
})
