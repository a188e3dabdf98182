/**
 * A synchronous gzip inflater: returns the inflated bytes of `gzip` (a whole RFC 1952 member) and
 * must throw, without inflating further, once the output would exceed `maxBytes`.
 */
export type GzipInflate = (gzip: Uint8Array, maxBytes: number) => Uint8Array

/** Limits and hooks of the wire decoders. Every field is optional; defaults are in {@link DEFAULT_DECODE_LIMITS}. */
export interface DecodeOptions {
  /**
   * Most bytes one decode call may inflate, shared by every `gzip_packed` in it and charged for
   * failed inflates too (by what they produced, or the most they can have produced); more is a
   * `too-large-after-inflate` error.
   */
  readonly maxInflatedBytes?: number
  /** Most `gzip_packed` objects one decode call tries to inflate, whether they succeed or not. */
  readonly maxInflateAttempts?: number
  /** Largest `bytes`/`string` value, or message inside a container, accepted, in bytes. */
  readonly maxFieldBytes?: number
  /** Most messages accepted in one `msg_container`. */
  readonly maxContainerMessages?: number
  /** Replaces the built-in inflater (fflate), e.g. with `node:zlib`'s `gunzipSync` and `maxOutputLength`. */
  readonly inflate?: GzipInflate
}

/** The default limits, written once. */
export const DEFAULT_DECODE_LIMITS = {
  /** 16 MiB: well above any real result, far below what hurts a process. */
  maxInflatedBytes: 16 * 1024 * 1024,
  /** One per message of the largest container: the most gzip_packed a valid input can hold. */
  maxInflateAttempts: 1024,
  /** 16 MiB: the longest value the TL 3-byte length form can express is one byte less. */
  maxFieldBytes: 16 * 1024 * 1024,
  /** The protocol's own maximum for one container. */
  maxContainerMessages: 1024,
} as const

/** Options with every default applied; what the decoders read. */
export interface ResolvedDecodeOptions {
  readonly maxInflatedBytes: number
  readonly maxInflateAttempts: number
  readonly maxFieldBytes: number
  readonly maxContainerMessages: number
  readonly inflate: GzipInflate | undefined
}

const DEFAULT_RESOLVED: ResolvedDecodeOptions = { ...DEFAULT_DECODE_LIMITS, inflate: undefined }

/** Applies the defaults; the common call without options allocates nothing. */
export function resolveDecodeOptions(options: DecodeOptions | undefined): ResolvedDecodeOptions {
  if (options === undefined) return DEFAULT_RESOLVED
  return {
    maxInflatedBytes: limit(
      options.maxInflatedBytes,
      DEFAULT_DECODE_LIMITS.maxInflatedBytes,
      'maxInflatedBytes',
    ),
    maxInflateAttempts: limit(
      options.maxInflateAttempts,
      DEFAULT_DECODE_LIMITS.maxInflateAttempts,
      'maxInflateAttempts',
    ),
    maxFieldBytes: limit(options.maxFieldBytes, DEFAULT_DECODE_LIMITS.maxFieldBytes, 'maxFieldBytes'),
    maxContainerMessages: limit(
      options.maxContainerMessages,
      DEFAULT_DECODE_LIMITS.maxContainerMessages,
      'maxContainerMessages',
    ),
    inflate: options.inflate,
  }
}

/** A wrong limit is the caller's programming error, not bad bytes, so it is a `RangeError`. */
function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`)
  }
  return value
}
