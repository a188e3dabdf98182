/**
 * Why bytes could not be decoded:
 * - `truncated`: the input ends before the value it started;
 * - `oversized`: a length or count is above the configured limit (or impossible, like 2 GB);
 * - `bad-length`: a length the protocol requires to be a multiple of 4 is not, or a length byte is 255;
 * - `bad-padding`: the 0-3 padding bytes after a `bytes`/`string` value are not zero;
 * - `unknown-constructor`: the constructor id is not one that can stand here;
 * - `trailing-bytes`: bytes are left after an object whose end is known;
 * - `nested-container`: a `msg_container` inside another, or inside `gzip_packed` within one;
 * - `nested-gzip`: `gzip_packed` directly inside `gzip_packed`;
 * - `inflate-failed`: the `gzip_packed` data is not valid gzip;
 * - `too-large-after-inflate`: the gzip data inflates to more than the configured limit.
 */
export type DecodeErrorReason =
  | 'truncated'
  | 'oversized'
  | 'bad-length'
  | 'bad-padding'
  | 'unknown-constructor'
  | 'trailing-bytes'
  | 'nested-container'
  | 'nested-gzip'
  | 'inflate-failed'
  | 'too-large-after-inflate'

/**
 * The one error the wire decoders throw: bad input is reported with a reason and the offset, in the
 * caller's bytes, where the bad value starts, never as a `RangeError` from deep inside.
 */
export class DecodeError extends Error {
  /** What is wrong with the bytes. */
  readonly reason: DecodeErrorReason
  /** Offset in the caller's bytes of the value that could not be decoded. */
  readonly offset: number
  /** Offset inside the inflated data of a `gzip_packed`, when the problem lies there. */
  readonly inflatedOffset: number | undefined
  /** The short explanation, without reason and offset. */
  readonly detail: string

  /** Builds an error; `detail` says what was expected, in a few words. */
  constructor(
    reason: DecodeErrorReason,
    offset: number,
    detail: string,
    options?: { readonly inflatedOffset?: number; readonly cause?: unknown },
  ) {
    const where =
      options?.inflatedOffset === undefined
        ? `at offset ${offset}`
        : `at offset ${options.inflatedOffset} of the gzip_packed data at offset ${offset}`
    super(
      `${reason} ${where}: ${detail}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    )
    this.reason = reason
    this.offset = offset
    this.inflatedOffset = options?.inflatedOffset
    this.detail = detail
  }
}

Object.defineProperty(DecodeError.prototype, 'name', {
  value: 'DecodeError',
  writable: true,
  configurable: true,
})
