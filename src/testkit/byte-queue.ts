/** A buffer this large is let go once empty, so an idle connection does not keep a big frame's room. */
const KEEP_CAPACITY_BYTES = 64 * 1024

/**
 * The bytes a connection has received and not yet consumed, in one growing buffer read from an
 * offset. Each chunk is copied once on arrival; the room doubles (up to `roomCapBytes`, past which
 * it grows only as needed) or is compacted when at least half of it is already consumed, so a frame
 * sent in n pieces costs O(size) work, where joining arrays on every chunk costs O(n * size).
 */
export class ByteQueue {
  private buffer = new Uint8Array(0)
  private start = 0
  private end = 0

  /** @param roomCapBytes - the room doubling stops at (normally one largest frame and its header). */
  constructor(private readonly roomCapBytes: number) {}

  /** Bytes held and not yet consumed. */
  get length(): number {
    return this.end - this.start
  }

  /** Bytes of memory held (the room), at most about twice {@link length} while non-empty. */
  get retainedBytes(): number {
    return this.buffer.byteLength
  }

  /** The unconsumed bytes, as a view valid until the next {@link append}. */
  bytes(): Uint8Array {
    return this.buffer.subarray(this.start, this.end)
  }

  /** Copies a chunk in. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    const live = this.end - this.start
    if (this.end + chunk.length > this.buffer.length) {
      const needed = live + chunk.length
      if (needed <= this.buffer.length && this.start >= live) {
        // At least half the room holds consumed bytes: moving the live ones down is paid for by them.
        this.buffer.copyWithin(0, this.start, this.end)
      } else {
        const doubled = Math.min(this.buffer.length * 2, this.roomCapBytes)
        const grown = new Uint8Array(Math.max(needed, doubled, 256))
        grown.set(this.buffer.subarray(this.start, this.end))
        this.buffer = grown
      }
      this.start = 0
      this.end = live
    }
    this.buffer.set(chunk, this.end)
    this.end += chunk.length
  }

  /** Drops the first `count` bytes (at most {@link length}). */
  consume(count: number): void {
    this.start = Math.min(this.end, this.start + count)
    if (this.start < this.end) return
    this.start = 0
    this.end = 0
    if (this.buffer.length > KEEP_CAPACITY_BYTES) this.buffer = new Uint8Array(0)
  }
}
