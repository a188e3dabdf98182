import { connect, type Socket } from 'node:net'

/** A bare TCP peer of a DC: what it wrote, what came back, and when the DC closed it. */
export interface RawPeer {
  readonly socket: Socket
  /** Bytes received so far. */
  received(): Buffer
  /** Resolves once the socket is closed, whoever closed it. */
  readonly closed: Promise<void>
  /** Writes and resolves once the bytes are handed to the kernel (so segments stay apart). */
  write(bytes: Uint8Array): Promise<void>
}

/**
 * Connects to `port` on loopback; resolves once connected. Write errors after a close are ignored.
 * `allowHalfOpen` keeps our side writable after the DC ends its own, as a hostile client would.
 */
export function openRawPeer(port: number, host = '127.0.0.1', allowHalfOpen = false): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, allowHalfOpen })
    socket.setNoDelay(true)
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.once('connect', () => {
      socket.off('error', reject)
      // A DC that cuts us mid-write resets the socket; that is an outcome the tests look at, not a fault.
      socket.on('error', () => {})
      resolve({
        socket,
        received: () => Buffer.concat(chunks),
        closed,
        write: (bytes) =>
          new Promise((done) => {
            if (socket.destroyed) done()
            else socket.write(bytes, () => done())
          }),
      })
    })
    socket.once('error', reject)
  })
}

/**
 * Polls `check` every few ms until it returns true; throws after `timeoutMs`. Tests wait for a
 * state this way instead of sleeping a fixed time.
 */
export async function until(check: () => boolean, timeoutMs = 5_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Races `promise` against `timeoutMs`, so a test that would hang fails with a message instead. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Sends `stream` one byte every `gapMs` until the DC closes the connection or one byte is left, so
 * the connection is never idle but its frame never completes; resolves with the bytes sent.
 */
export async function trickle(peer: RawPeer, stream: Uint8Array, gapMs: number): Promise<number> {
  let sent = 0
  while (!peer.socket.destroyed && sent < stream.length - 1) {
    await peer.write(stream.subarray(sent, sent + 1))
    sent++
    await new Promise((resolve) => setTimeout(resolve, gapMs))
  }
  return sent
}

/**
 * Writes `stream` cut at `cuts` (any order, duplicates and out-of-range ones ignored), one TCP
 * segment each. After each it waits until the DC reports holding `heldAfter(cut)` bytes, that is
 * until it has read the segment, so the kernel cannot merge it with the next one.
 */
export async function sendInSegments(
  peer: RawPeer,
  stream: Uint8Array,
  cuts: readonly number[],
  heldAfter: (sent: number) => number,
  bufferedBytes: () => number,
): Promise<void> {
  const inside = [...new Set(cuts)].filter((cut) => cut > 0 && cut < stream.length).sort((a, b) => a - b)
  let from = 0
  for (const cut of [...inside, stream.length]) {
    await peer.write(stream.subarray(from, cut))
    from = cut
    const held = heldAfter(cut)
    await until(() => bufferedBytes() === held, 5_000, `the segment ending at ${cut} to be read`)
  }
}
