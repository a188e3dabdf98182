import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { bundle, SCENARIOS } from '../../scripts/measure-bundle.js'

const decoder = new TextDecoder()

describe('bundle size', () => {
  it('keeps the catalogue out of a bundle that only parses errors', async () => {
    const core = await bundle(SCENARIOS['core only (RpcError)'] as string)
    const text = decoder.decode(core)
    expect(text).not.toContain('PHONE_NUMBER_INVALID')
    expect(text).not.toContain('fix-input')
    // Budget with headroom over the measured ~3 KiB; catching the catalogue leaking in (60 KiB).
    expect(gzipSync(core).byteLength).toBeLessThan(6 * 1024)
  })

  it('keeps prose out of a bundle that only needs the actions', async () => {
    const text = decoder.decode(await bundle(SCENARIOS['core + actions (actionOf)'] as string))
    expect(text).toContain('PHONE_NUMBER_INVALID')
    expect(text).not.toContain('international format')
  })
})
