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
 * maximum before anything is buffered, so a peer claiming a 2 GB packet costs nothing.
 */
export class FrameReader {
  private buffer = new Uint8Array(0)

  constructor(private readonly maxPacketBytes: number) {}

  /**
   * Adds bytes; returns the complete packets, or throws a `RangeError` when a length is impossible
   * (zero, not a multiple of 4, or above the maximum). A 4-byte packet may be a transport error.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length)
    joined.set(this.buffer)
    joined.set(chunk, this.buffer.length)
    const packets: Uint8Array[] = []
    let offset = 0
    while (joined.length - offset >= 4) {
      const length = new DataView(joined.buffer, joined.byteOffset + offset, 4).getUint32(0, true)
      if (length === 0 || length % 4 !== 0 || length > this.maxPacketBytes) {
        throw new RangeError(`impossible packet length ${length}`)
      }
      if (joined.length - offset - 4 < length) break
      packets.push(joined.slice(offset + 4, offset + 4 + length))
      offset += 4 + length
    }
    this.buffer = joined.slice(offset)
    return packets
  }

  /** Bytes received but not yet a whole packet. */
  get pending(): number {
    return this.buffer.length
  }
}
