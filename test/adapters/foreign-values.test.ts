import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toGramjsError } from '../../src/adapters/gramjs/client-errors.js'
import { isRpcError } from '../../src/index.js'
import { anyForeignValue } from '../error/hostile-values.js'

describe('adapters handed a value they do not own', () => {
  it('GramJS: what invoke threw that is not ours (an abort reason, say) leaves exactly as it came', () => {
    fc.assert(
      fc.property(anyForeignValue, (draw) => {
        const value = draw()
        fc.pre(!isRpcError(value))
        const out = toGramjsError(value, {} as never, new WeakMap())
        expect(Object.is(out, value)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
