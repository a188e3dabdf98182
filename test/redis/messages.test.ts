import { describe, expect, it } from 'vitest'
import { channelOf, parseChange, scanPatternOf } from '../../src/redis/messages.js'

describe('the Redis store’s change messages and names', () => {
  it('parses the three kinds, keys with spaces included', () => {
    expect(parseChange('set 30000 alice|messages.sendMessage')).toEqual({
      kind: 'set',
      key: 'alice|messages.sendMessage',
      remainingMs: 30_000,
    })
    expect(parseChange('set 5 my account|*')).toEqual({ kind: 'set', key: 'my account|*', remainingMs: 5 })
    expect(parseChange('del alice|*')).toEqual({ kind: 'del', key: 'alice|*' })
    expect(parseChange('clear')).toEqual({ kind: 'clear' })
  })

  it('ignores what it does not understand rather than guess', () => {
    for (const message of [
      '',
      'set',
      'set 10',
      'set x alice|*',
      'set -5 alice|*',
      'set 0 alice|*',
      'put 1 a',
    ]) {
      expect(parseChange(message), message).toBeUndefined()
    }
  })

  it('escapes glob characters of the prefix in the SCAN pattern', () => {
    expect(scanPatternOf('app:flood:')).toBe('app:flood:*')
    expect(scanPatternOf('a*b?[c]\\:')).toBe('a\\*b\\?\\[c\\]\\\\:*')
    expect(channelOf('app:flood:')).toBe('app:flood:changes')
  })
})
