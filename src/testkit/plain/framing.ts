import { ByteQueue } from '../byte-queue.js'

/** The 4-byte tag a client sends first to choose MTProto's intermediate transport. */
export const INTERMEDIATE_TAG = 0xeeeeeeee

/** Frames a packet: 4-byte little-endian length, then the packet. */
export function frame(packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + packet.length)
  new DataView(out.buffer).setUint32(0, packet.length, true)
  out.set(packet, 4)
  return out
}

/**
 * Reassembles intermediate-transport packets from a byte stream. Lengths are checked against a
 * maximum before anything is buffered, so a peer claiming a 2 GB packet costs nothing, and a packet
 * arriving in many pieces is gathered in linear time (see {@link ByteQueue}).
 */
export class FrameReader {
  private readonly queue: ByteQueue

  constructor(private readonly maxPacketBytes: number) {
    this.queue = new ByteQueue(maxPacketBytes + 4)
  }

  /**
   * Adds bytes; returns the complete packets, or throws a `RangeError` when a length is impossible
   * (zero, not a multiple of 4, or above the maximum). A 4-byte packet may be a transport error.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    this.queue.append(chunk)
    const bytes = this.queue.bytes()
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const packets: Uint8Array[] = []
    let offset = 0
    while (bytes.length - offset >= 4) {
      const length = view.getUint32(offset, true)
      if (length === 0 || length % 4 !== 0 || length > this.maxPacketBytes) {
        throw new RangeError(`impossible packet length ${length}`)
      }
      if (bytes.length - offset - 4 < length) break
      packets.push(bytes.slice(offset + 4, offset + 4 + length))
      offset += 4 + length
    }
    this.queue.consume(offset)
    return packets
  }

  /** Bytes received but not yet a whole packet. */
  get pending(): number {
    return this.queue.length
  }
}
