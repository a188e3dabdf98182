import { Readable } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { groupInputs } from '../../src/cli/commands/explain.js'
import { wrap } from '../../src/cli/help.js'
import { CLI_LIMITS } from '../../src/cli/limits.js'
import { boundedDistance } from '../../src/cli/suggest.js'
import { encodeRpcError } from '../../src/wire/index.js'
import { cli } from './run-cli.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

/** A stream of `total` characters of hex in `chunk`-sized pieces, counting how much was read. */
function hexStream(total: number, chunk = 1 << 20) {
  let produced = 0
  const stream = new Readable({
    read() {
      if (produced >= total) {
        this.push(null)
        return
      }
      const size = Math.min(chunk, total - produced)
      produced += size
      this.push('ab'.repeat(size / 2))
    },
  })
  return { stream, produced: () => produced }
}

describe('explain: what a new user types', () => {
  it('takes a code standing before the type as that type’s code', async () => {
    const run = await cli(['explain', '420', 'FLOOD_WAIT_30', '--json'])
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] as string)).toMatchObject({ name: 'FLOOD_WAIT_%d', code: 420, known: true })
  })

  it('groups codes with the input after them, and leaves lone codes and "-" alone', () => {
    expect(groupInputs(['420', 'FLOOD_WAIT_30', 'X', '-503', 'Timeout', '400'])).toEqual([
      '420 FLOOD_WAIT_30',
      'X',
      '-503 Timeout',
      '400',
    ])
    expect(groupInputs(['400', '-'])).toEqual(['400', '-'])
  })

  it('reads a negative code as a code, before the type or as --code', async () => {
    const before = await cli(['explain', '-503', 'Timeout', '--json'])
    expect(before.code).toBe(1) // Timeout is not in the catalogue: a fallback, exit 1
    expect(JSON.parse(before.stdout)).toMatchObject({
      input: '-503 Timeout',
      code: -503,
      category: 'INTERNAL',
    })
    const option = await cli(['explain', 'Timeout', '--code', '-503', '--json'])
    expect(JSON.parse(option.stdout)).toMatchObject({ code: -503 })
  })

  it('reads a type in any case', async () => {
    for (const input of ['flood_wait_30', 'Flood_Wait_30', '420 flood_wait_30']) {
      const run = await cli(['explain', input, '--json'])
      expect(run.code, input).toBe(0)
      expect(JSON.parse(run.stdout), input).toMatchObject({ name: 'FLOOD_WAIT_%d', code: 420, known: true })
    }
  })

  it('suggests close catalogue names for an unknown type', async () => {
    const run = await cli(['explain', 'PHONE_NUMBR_INVALID'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/Did you mean: +PHONE_NUMBER_INVALID/)
    const json = await cli(['explain', 'flod_wait_30', '--json'])
    expect(JSON.parse(json.stdout).didYouMean).toContain('FLOOD_WAIT_%d')
    const far = await cli(['explain', 'SOMETHING_ELSE_ENTIRELY_XYZ', '--json'])
    expect(JSON.parse(far.stdout).didYouMean).toBeUndefined()
  })

  it('bounded edit distance agrees with the exact one within the bound', () => {
    const exact = (a: string, b: string) => boundedDistance(a, b, Math.max(a.length, b.length))
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.nat(4), (a, b, limit) => {
        const d = exact(a, b)
        expect(boundedDistance(a, b, limit)).toBe(d <= limit ? d : limit + 1)
        expect(exact(b, a)).toBe(d)
      }),
    )
  })
})

describe('explain: bounded input', () => {
  it('refuses an argument past the limit, quoting only its start, exit 2', async () => {
    const huge = 'A'.repeat(1_000_000)
    const run = await cli(['explain', huge, 'FLOOD_WAIT_30'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`longer than the ${CLI_LIMITS.maxExplainInputChars} characters accepted`)
    expect(run.stderr).toContain('(1000000 characters)')
    expect(run.stderr.length).toBeLessThan(300)
    expect(run.stdout.length).toBeLessThan(2000)
    // The other input is still explained.
    expect(run.stdout).toContain('FLOOD_WAIT_30  420 FLOOD, known')
  })

  it('skips a stdin line past the limit without holding it, and goes on', async () => {
    const stdin = Readable.from([
      'FLOOD_WAIT_5\n',
      'B'.repeat(700),
      'B'.repeat(700),
      'B'.repeat(700),
      '\nUSER_MIGRATE_2\n',
    ])
    const run = await cli(['explain', '-', '--json'], { stdin })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('line 2 of standard input is longer than')
    const names = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).name)
    expect(names).toEqual(['FLOOD_WAIT_%d', 'USER_MIGRATE_%d'])
  })

  it('accepts an input of exactly the limit', async () => {
    const run = await cli(['explain', 'A'.repeat(CLI_LIMITS.maxExplainInputChars), '--json'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('')
  })
})

describe('decode: bare rpc_error and bounded input', () => {
  it('decodes a bare rpc_error fully: code, message, category, parameters', async () => {
    const bare = hex(encodeRpcError(420, 'FLOOD_WAIT_30'))
    const text = await cli(['decode', bare])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('rpc_error #2144ca19: 420 "FLOOD_WAIT_30"')
    expect(text.stdout).toMatch(/Parameter: +seconds = 30/)
    expect(text.stdout).toMatch(/Action: +wait/)
    const json = await cli(['decode', bare, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: 'rpc_error',
      error: { code: 420, category: 'FLOOD', template: 'FLOOD_WAIT_%d', params: { seconds: 30 } },
    })
  })

  it('stops reading stdin past the limit, with a clear error and exit 2', async () => {
    const source = hexStream(CLI_LIMITS.maxDecodeHexChars * 4)
    const run = await cli(['decode', '-'], { stdin: source.stream })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      `standard input is longer than the ${CLI_LIMITS.maxDecodeHexChars} characters accepted`,
    )
    expect(run.stdout).toBe('')
    // It stopped soon after the limit instead of reading all of it.
    expect(source.produced()).toBeLessThanOrEqual(CLI_LIMITS.maxDecodeHexChars + (4 << 20))
  }, 30_000)

  it('decodes stdin just under the limit (it is a limit, not a refusal of large input)', async () => {
    const bare = hex(encodeRpcError(400, 'PHONE_NUMBER_INVALID'))
    const run = await cli(['decode', '-'], { stdin: `${bare}\n` })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('PHONE_NUMBER_INVALID')
  })
})

describe('--help', () => {
  it('is laid out once, to the terminal width', async () => {
    for (const columns of [40, 60, 100]) {
      const run = await cli(['decode', '--help'], { columns })
      expect(run.code).toBe(0)
      const lines = run.stdout.split('\n')
      // Command-line examples stay whole (copyable); every other line fits the width.
      for (const line of lines.filter((l) => !l.startsWith('  $ '))) {
        expect(line.length, `${columns}: ${line}`).toBeLessThanOrEqual(columns)
      }
      // Wrapped once: in each paragraph, no line but the last could have taken the next word (a
      // text wrapped twice leaves short stubs where the first wrapping broke it).
      const paragraphs = run.stdout.split('\n\n').map((p) => p.split('\n'))
      for (const paragraph of paragraphs.filter((p) => p.every((l) => l !== '' && !l.startsWith(' ')))) {
        for (const [i, line] of paragraph.slice(0, -1).entries()) {
          const nextWord = (paragraph[i + 1] as string).split(' ')[0] as string
          expect(line.length + 1 + nextWord.length, line).toBeGreaterThan(columns)
        }
      }
    }
  })

  it('wraps a paragraph without losing or splitting words', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 60 }),
        fc.integer({ min: 20, max: 120 }),
        (words, width) => {
          const lines = wrap(words.join(' '), width)
          expect(lines.join(' ').split(' ').filter(Boolean)).toEqual(words)
          for (const line of lines) expect(line.length).toBeLessThanOrEqual(width)
        },
      ),
    )
  })

  it('answers help, help <command> and -v', async () => {
    expect((await cli(['help'])).stdout).toContain('Commands:')
    expect((await cli(['help', 'list'])).stdout).toContain('Usage: mtproto-errors list')
    const version = await cli(['-v'])
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })
})

describe('any command line', () => {
  it('ends in exit 0, 1 or 2 with output bounded by its input, never a throw', async () => {
    const word = fc.oneof(
      fc.constantFrom(
        'explain',
        'list',
        'decode',
        'help',
        '-',
        '--json',
        '--code',
        '-c',
        '--help',
        '-v',
        '420',
        '-503',
      ),
      fc.constantFrom(
        '--search',
        '--method',
        '--nope',
        '-x',
        '--code=-1',
        'FLOOD_WAIT_30',
        'flood_wait_%d',
        '19ca4421',
      ),
      fc.string({ maxLength: 20 }),
      fc.stringMatching(/^[0-9a-f ]{0,40}$/),
      fc.nat(5000).map((n) => 'Z'.repeat(n)),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(word, { maxLength: 6 }).filter((args) => args[0] !== 'serve' && args[1] !== 'serve'),
        fc.string({ maxLength: 200 }),
        async (args, stdin) => {
          const run = await cli(args, { stdin })
          expect([0, 1, 2]).toContain(run.code)
          const given = args.join(' ').length + stdin.length
          // Nothing is echoed whole: what is printed grows with the catalogue, not with the input.
          expect(run.stderr.length).toBeLessThan(2_000 + Math.min(given, 10 * CLI_LIMITS.maxEchoedChars))
        },
      ),
      { numRuns: 150 },
    )
  }, 60_000)
})
