import { describe, expect, it } from 'vitest'
import { colourWanted, createStyle } from '../../src/cli/style.js'

describe('colour', () => {
  it('is used only on a terminal and only without NO_COLOR', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true)
    expect(colourWanted({ isTTY: false }, {})).toBe(false)
    expect(colourWanted({}, {})).toBe(false)
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    // no-color.org: an empty NO_COLOR does not count.
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true)
  })

  it('leaves text untouched when off', () => {
    expect(createStyle(false).bold('x')).toBe('x')
    expect(createStyle(true).bold('x')).toBe('\u001b[1mx\u001b[22m')
  })
})
