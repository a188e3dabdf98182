import { DecodeError } from '../../src/index.js'
import { TlWriter } from '../../src/wire/index.js'

/** Test helper: the DecodeError `read` throws; anything else (or nothing) fails the test. */
export function failure(read: () => unknown): DecodeError {
  try {
    read()
  } catch (error) {
    if (error instanceof DecodeError) return error
    throw error
  }
  throw new Error('expected a DecodeError')
}

/** Test helper: a gzip_packed around raw gzip bytes, bypassing our own compressor (so it may lie). */
export function packed(gzip: Uint8Array): Uint8Array {
  return new TlWriter().constructorId(0x3072cfa1).bytes(gzip).finish()
}

/** Test helper: a copy of gzip data whose trailer declares `size` inflated bytes. */
export function withTrailerSize(gzip: Uint8Array, size: number): Uint8Array {
  const copy = gzip.slice()
  new DataView(copy.buffer).setUint32(copy.length - 4, size, true)
  return copy
}
