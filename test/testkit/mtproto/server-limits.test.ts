import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MtprotoCluster, startCluster } from '../../../src/testkit/index.js'
import { FrameCodec, type FramingKind, MAX_FRAME_PAYLOAD } from '../../../src/testkit/mtproto/framing.js'
import { FrameReader } from '../../../src/testkit/plain/framing.js'
import { openRawPeer, type RawPeer, sendInSegments, trickle, until, within } from '../support/raw-peer.js'

const REQ_PQ_MULTI = 0xbe7e8ef1
const RES_PQ = 0x05162463

/** An unencrypted req_pq_multi, the first message of every key exchange, carrying `nonce`. */
function reqPqMulti(nonce: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + 20)
  const view = new DataView(out.buffer)
  const msgId = (BigInt(Math.floor(Date.now() / 1000)) << 32n) | 4n
  view.setBigUint64(8, msgId, true)
  view.setUint32(16, 20, true)
  view.setUint32(20, REQ_PQ_MULTI, true)
  out.set(nonce, 24)
  return out
}

const TAGS: Record<FramingKind, number[]> = {
  abridged: [0xef],
  intermediate: [0xee, 0xee, 0xee, 0xee],
  'padded-intermediate': [0xdd, 0xdd, 0xdd, 0xdd],
  full: [],
}

/** What a client of `kind` sends to open a key exchange. */
function clientStream(kind: FramingKind, nonce: Uint8Array): Uint8Array {
  const codec = new FrameCodec()
  codec.kind = kind
  const framed = codec.encode(reqPqMulti(nonce))
  return Uint8Array.from([...TAGS[kind], ...framed])
}

/** The nonces of the resPQ answers in the DC's bytes, read with the connection's framing. */
function resPqNonces(kind: FramingKind, bytes: Uint8Array): string[] {
  const codec = new FrameCodec()
  codec.kind = kind
  return codec.decode(bytes).flatMap((payload) => {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
    if (payload.length < 40 || view.getUint32(20, true) !== RES_PQ) return []
    return [Buffer.from(payload.subarray(24, 40)).toString('hex')]
  })
}

/** Bytes a DC holds after reading `stream[0, sent)`: a codec fed the same bytes holds the same. */
function heldAfter(stream: Uint8Array, sent: number): number {
  const mirror = new FrameCodec()
  mirror.decode(stream.subarray(0, sent))
  return mirror.pendingBytes
}

describe('the MTProto DC under hostile clients', () => {
  let cluster: MtprotoCluster
  const peers: RawPeer[] = []

  beforeAll(async () => {
    cluster = await startCluster({
      protocol: 'mtproto',
      dcCount: 1,
      idleTimeoutMs: 60_000,
      partialFrameTimeoutMs: 400,
    })
  })
  afterAll(async () => {
    for (const peer of peers) peer.socket.destroy()
    await cluster.stop()
  })

  async function peer(): Promise<RawPeer> {
    const dc = cluster.dcs[0]!
    const opened = await openRawPeer(dc.port, dc.host)
    peers.push(opened)
    return opened
  }

  it('serves any split of a valid stream into TCP segments, in every framing, as the unsplit one', async () => {
    const kinds = fc.constantFrom<FramingKind>('abridged', 'intermediate', 'padded-intermediate', 'full')
    await fc.assert(
      fc.asyncProperty(
        kinds,
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 59 }), { maxLength: 10 }),
        async (kind, nonce, cuts) => {
          const stream = clientStream(kind, nonce)
          const raw = await peer()
          await sendInSegments(
            raw,
            stream,
            cuts,
            (sent) => heldAfter(stream, sent),
            () => cluster.report().bufferedBytes,
          )
          await until(() => resPqNonces(kind, raw.received()).length === 1, 5_000, 'the resPQ')
          expect(resPqNonces(kind, raw.received())).toEqual([Buffer.from(nonce).toString('hex')])
          raw.socket.destroy()
          await raw.closed
        },
      ),
      { numRuns: 30 },
    )
    expect(cluster.report().protocol.transportErrors).toBe(0)
  })

  it('closes a connection whose frame stays unfinished for partialFrameTimeoutMs, though bytes trickle in', async () => {
    const raw = await peer()
    const stream = clientStream('intermediate', new Uint8Array(16))
    const sent = await trickle(raw, stream, 40)
    await within(raw.closed, 5_000, 'the slow frame to be cut')
    expect(sent).toBeLessThan(stream.length - 1)
    expect(cluster.report().partialFrameTimeouts).toBe(1)
    await until(() => cluster.report().bufferedBytes === 0, 5_000, 'its bytes to be released')
  })
})

describe('the MTProto cluster limits', () => {
  it('closes idle connections, refuses past maxConnections with -429, and bounds buffered bytes', async () => {
    const cluster = await startCluster({
      protocol: 'mtproto',
      dcCount: 1,
      // Long enough that no phase below idles out on a loaded machine, short enough to wait for.
      idleTimeoutMs: 1_500,
      maxConnections: 4,
      maxBufferedBytes: 64 << 10,
    })
    try {
      const dc = cluster.dcs[0]!
      const silent = await Promise.all(Array.from({ length: 4 }, () => openRawPeer(dc.port, dc.host)))
      await until(() => cluster.report().openConnections === 4, 5_000, 'four connections')
      const extra = await openRawPeer(dc.port, dc.host)
      await within(extra.closed, 5_000, 'the fifth connection to be refused')
      expect(extra.received().readInt32LE(4)).toBe(-429)
      await within(Promise.all(silent.map((p) => p.closed)), 5_000, 'the idle connections to close')
      expect(cluster.report()).toMatchObject({ idleTimeouts: 4, connectionsRefused: 1 })

      // Two hoarders each promising a 40 KiB frame: the second passes the 64 KiB bound and is refused.
      const hoarders = await Promise.all([openRawPeer(dc.port, dc.host), openRawPeer(dc.port, dc.host)])
      const header = new Uint8Array([0xee, 0xee, 0xee, 0xee, 0, 0xa0, 0, 0])
      await hoarders[0]!.write(Uint8Array.from([...header, ...new Uint8Array(36 << 10)]))
      await until(() => cluster.report().bufferedBytes === 4 + (36 << 10), 5_000, 'the first hoard to land')
      await hoarders[1]!.write(Uint8Array.from([...header, ...new Uint8Array(36 << 10)]))
      await until(() => cluster.report().bufferRefusals === 1, 5_000, 'the second hoard to be refused')
      expect(cluster.report().peakBufferedBytes).toBeLessThanOrEqual(64 << 10)
      for (const hoarder of hoarders) hoarder.socket.destroy()
    } finally {
      await cluster.stop()
    }
  })

  it('checks its limits where they are given', async () => {
    await expect(
      startCluster({
        protocol: 'mtproto',
        idleTimeoutMs: -1,
      }),
    ).rejects.toThrow(/idleTimeoutMs/)
    await expect(
      startCluster({
        protocol: 'mtproto',
        maxConnections: Number.NaN,
      }),
    ).rejects.toThrow(/maxConnections/)
  })
})

describe('frame reassembly is linear in the bytes received', () => {
  // Joining the buffer on every chunk copied O(chunks * size): for 1 MiB in 16-byte pieces that is
  // tens of GB and minutes. Linear work is milliseconds; 2 s leaves room for a loaded machine.
  const frameBytes = 1 << 20
  const pieceBytes = 16

  /** Feeds `framed` in pieces; returns how many whole frames came out, and fails past the time bound. */
  function feedInPieces(framed: Uint8Array, feed: (piece: Uint8Array) => number): number {
    const started = performance.now()
    let frames = 0
    for (let offset = 0; offset < framed.length; offset += pieceBytes)
      frames += feed(framed.subarray(offset, offset + pieceBytes))
    expect(performance.now() - started).toBeLessThan(2_000)
    return frames
  }

  it('in the MTProto codec', () => {
    const codec = new FrameCodec()
    codec.kind = 'intermediate'
    const framed = Uint8Array.from([0xee, 0xee, 0xee, 0xee, ...codec.encode(new Uint8Array(frameBytes))])
    const reader = new FrameCodec()
    expect(feedInPieces(framed, (piece) => reader.decode(piece).length)).toBe(1)
    expect(MAX_FRAME_PAYLOAD).toBeGreaterThan(frameBytes)
  })

  it('in the plain frame reader', () => {
    const framed = new Uint8Array(4 + frameBytes)
    new DataView(framed.buffer).setUint32(0, frameBytes, true)
    const reader = new FrameReader(frameBytes)
    expect(feedInPieces(framed, (piece) => reader.push(piece).length)).toBe(1)
    expect(reader.pending).toBe(0)
  })
})
