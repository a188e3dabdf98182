import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type DecodedMessage, DecodeError, decodeMessages, decodeRpcResult } from '../../src/index.js'
import {
  DEFAULT_DECODE_LIMITS,
  encodeGzipPacked,
  encodeMsgContainer,
  encodeRpcError,
  encodeRpcResult,
} from '../../src/wire/index.js'
import { failure, packed, withTrailerSize } from './decode-fixtures.js'

const MiB = 1024 * 1024
/** The wall-clock bound docs/wire.md promises for one decode call of the largest allowed input. */
const DECODE_BOUND_MS = 2000

function gzip(data: Uint8Array, level = 6): Uint8Array {
  return new Uint8Array(gzipSync(data, { level }))
}

function container(bodies: readonly Uint8Array[]): Uint8Array {
  return encodeMsgContainer(bodies.map((body, i) => ({ msgId: BigInt(i * 4 + 4), seqNo: i * 2 + 1, body })))
}

function reasonOf(message: DecodedMessage | undefined): string | undefined {
  return message?.kind === 'invalid' ? message.error.reason : undefined
}

// Built once: compressing 64 MiB takes a while, and every case below reuses them.
const zeros64MiB = gzip(new Uint8Array(64 * MiB), 9)
/** A bomb that says it holds 10 bytes: only inflating it shows otherwise. */
const lyingBomb = packed(withTrailerSize(zeros64MiB, 10))
/** A bomb that admits its size: refused by the trailer, before any work. */
const honestBomb = packed(zeros64MiB)
/** 1 KiB of gzip that inflates to about 1 MiB but claims 10 bytes: small enough for the one-shot path. */
const smallLiar = packed(withTrailerSize(gzip(new Uint8Array(MiB), 9), 10))
const honestError = encodeGzipPacked(encodeRpcError(420, 'FLOOD_WAIT_7'))
const honestLarge = encodeGzipPacked(new Uint8Array(256 * 1024).map((_, i) => (i * 7) % 251))
const corrupt = packed(
  withTrailerSize(
    gzip(new Uint8Array(4096)).map((b, i) => (i === 12 ? b ^ 0xff : b)),
    4096,
  ),
)
const plainError = encodeRpcError(400, 'PEER_ID_INVALID')

describe('inflate budgets bound the whole input', () => {
  it('decodes a full container of lying gzip bombs quickly, each one failing alone', () => {
    const input = container(Array.from({ length: 1024 }, () => encodeRpcResult(1n, lyingBomb)))
    const started = performance.now()
    const messages = decodeMessages(input)
    const elapsed = performance.now() - started
    expect(messages).toHaveLength(1024)
    expect(messages.every((message) => reasonOf(message) === 'too-large-after-inflate')).toBe(true)
    expect(elapsed).toBeLessThan(DECODE_BOUND_MS)
  }, 60_000)

  it('charges a failed inflate to the budget of the call', () => {
    // Alone, the honest message fits in the limit; after a liar that cost up to 1 MiB, it does not.
    const limits = { maxInflatedBytes: 1100 * 1024 }
    const honestAlone = decodeMessages(container([encodeRpcResult(2n, honestLarge)]), limits)
    expect(honestAlone[0]?.kind).toBe('rpc_result')
    const messages = decodeMessages(
      container([encodeRpcResult(1n, smallLiar), encodeRpcResult(2n, honestLarge)]),
      limits,
    )
    expect(reasonOf(messages[0])).toBe('inflate-failed')
    expect(reasonOf(messages[1])).toBe('too-large-after-inflate')
  })

  it('charges what a failing user inflater may have produced, and stops calling it once spent', () => {
    let calls = 0
    const failing = () => {
      calls++
      throw new Error('corrupt')
    }
    const bodies = Array.from({ length: 50 }, () => encodeRpcResult(1n, honestLarge))
    const messages = decodeMessages(container(bodies), { maxInflatedBytes: 4 * MiB, inflate: failing })
    expect(calls).toBeGreaterThan(0)
    expect(calls).toBeLessThan(50)
    expect(reasonOf(messages[0])).toBe('inflate-failed')
    expect(reasonOf(messages[49])).toBe('too-large-after-inflate')
  })

  it('refuses more gzip_packed than maxInflateAttempts, whether they inflate or not', () => {
    const bodies = [honestError, corrupt, honestError].map((body) => encodeRpcResult(1n, body))
    const messages = decodeMessages(container(bodies), { maxInflateAttempts: 2 })
    expect(messages[0]?.kind).toBe('rpc_result')
    expect(reasonOf(messages[1])).toBe('inflate-failed')
    expect(messages[2]).toMatchObject({ kind: 'invalid', error: { reason: 'oversized' } })
    expect(DEFAULT_DECODE_LIMITS.maxInflateAttempts).toBe(DEFAULT_DECODE_LIMITS.maxContainerMessages)
  })

  it('stops a single lying bomb once past the limit, whatever the limit', () => {
    for (const maxInflatedBytes of [1, 4096, MiB, 16 * MiB]) {
      const started = performance.now()
      const error = failure(() => decodeRpcResult(encodeRpcResult(1n, lyingBomb), { maxInflatedBytes }))
      expect(error.reason).toBe('too-large-after-inflate')
      expect(performance.now() - started).toBeLessThan(DECODE_BOUND_MS)
    }
  })

  it('keeps honest gzipped messages within the budget working', () => {
    const bodies = Array.from({ length: 1024 }, (_, i) => encodeRpcResult(BigInt(i), honestError))
    const messages = decodeMessages(container(bodies))
    expect(messages.every((message) => message.kind === 'rpc_result' && !message.outcome.ok)).toBe(true)
  })

  it('holds for arbitrary containers of honest, lying, bomb and corrupt gzip messages', () => {
    const body = fc.constantFrom(
      lyingBomb,
      honestBomb,
      smallLiar,
      honestError,
      honestLarge,
      corrupt,
      plainError,
    )
    const limits = fc.option(
      fc.record({ maxInflatedBytes: fc.integer({ min: 0, max: DEFAULT_DECODE_LIMITS.maxInflatedBytes }) }),
      { nil: undefined },
    )
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 1024 }), limits, (bodies, options) => {
        const input = container(bodies.map((b, i) => encodeRpcResult(BigInt(i), b)))
        const started = performance.now()
        let messages: DecodedMessage[] | undefined
        try {
          messages = decodeMessages(input, options)
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError)
        }
        expect(performance.now() - started).toBeLessThan(DECODE_BOUND_MS)
        // Each message is judged alone: the framing is sound, so none may sink the others.
        expect(messages).toHaveLength(bodies.length)
      }),
      { numRuns: 25 },
    )
  }, 120_000)
})
