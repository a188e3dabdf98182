import { describe, expect, it } from 'vitest'
import { cli, spawnCli } from './run-cli.js'

describe('mtproto-errors CLI', () => {
  it('explains a concrete flood wait: category, meaning, parameters, action', async () => {
    const run = await cli(['explain', 'FLOOD_WAIT_30'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('FLOOD_WAIT_30  420 FLOOD, known')
    expect(run.stdout).toMatch(/Meaning: +.*wait 30 seconds/)
    expect(run.stdout).toMatch(/Parameter: +seconds = 30/)
    expect(run.stdout).toMatch(/Action: +wait/)
    expect(run.stdout).toMatch(/Scope: +method/)
    // Not a terminal: no colour codes.
    expect(run.stdout).not.toContain('\u001b[')
  })

  it('prints JSON Lines with --json, honouring --code', async () => {
    const run = await cli(['explain', 'PHONE_NUMBER_INVALID', 'USER_MIGRATE_2', '--code', '406', '--json'])
    expect(run.code).toBe(0)
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ input: 'PHONE_NUMBER_INVALID', name: 'PHONE_NUMBER_INVALID', code: 406 })
    expect(lines[0].field).toBe('phone_number')
    expect(lines[1]).toMatchObject({ name: 'USER_MIGRATE_%d', values: { dcId: 2 }, action: 'migrate' })
  })

  it('reads inputs from stdin with "-", one per line', async () => {
    const run = await cli(['explain', '-', '--json'], {
      stdin: '420 FLOOD_WAIT_5\n\n-503 Timeout\nFILE_PART_7_MISSING\n',
    })
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((l) => [l.name, l.code, l.known])).toEqual([
      ['FLOOD_WAIT_%d', 420, true],
      ['Timeout', -503, false],
      ['FILE_PART_%d_MISSING', 400, true],
    ])
    // Timeout is not in the catalogue, so the run says so.
    expect(run.code).toBe(1)
  })

  it('exits 1 for unknown input but still prints a fallback', async () => {
    const run = await cli(['explain', 'NICKNAME_INVALID', '--code', '400'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('not in the catalogue')
    expect(run.stdout).toMatch(/Field: +nickname/)
  })

  it('lists entries filtered by code and method, as text and as JSON', async () => {
    const text = await cli(['list', '--code', '303'])
    expect(text.code).toBe(0)
    expect(text.stdout.trim().split('\n')).toHaveLength(5)
    expect(text.stdout).toMatch(/^USER_MIGRATE_%d +303 +migrate/m)

    const json = await cli(['list', '--method', 'messages.sendMessage', '--search', 'plain', '--json'])
    expect(json.code).toBe(0)
    const entries = JSON.parse(json.stdout)
    expect(Array.isArray(entries)).toBe(true)
    expect(entries[0]).toMatchObject({ name: 'CHAT_SEND_PLAIN_FORBIDDEN', codes: [403] })
    for (const entry of entries) expect(typeof entry.description).toBe('string')
  })

  it('lists the whole catalogue as a JSON array of name, code and description', async () => {
    const run = await cli(['list', '--json'])
    const entries = JSON.parse(run.stdout) as {
      name: string
      code: number
      codes: number[]
      description: string
    }[]
    expect(entries.length).toBeGreaterThanOrEqual(800)
    for (const entry of entries) {
      expect(entry.name).toMatch(/^(?:[A-Z0-9_]|%d)+$/)
      expect(entry.codes[0]).toBe(entry.code)
      expect(entry.description.length).toBeGreaterThan(0)
    }
  })

  it('exits 1 when a list matches nothing', async () => {
    const run = await cli(['list', '--search', 'no such words anywhere', '--json'])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toEqual([])
  })

  it('stops quietly when the reader closes the pipe early (| head): a real process', async () => {
    const child = spawnCli(['list'])
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(stderr).not.toContain('EPIPE')
    expect(code).toBe(0)
  })

  it('exits 2 on usage errors', async () => {
    for (const args of [['explain'], ['list', '--code', 'abc'], ['frobnicate'], ['list', '--nope'], []]) {
      const run = await cli(args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr.length, args.join(' ')).toBeGreaterThan(0)
    }
  })

  it('explains each command with an example in --help', async () => {
    const top = await cli(['--help'])
    expect(top.code).toBe(0)
    expect(top.stdout).toContain('explain')
    expect(top.stdout).toContain('Exit status')
    const explain = await cli(['explain', '--help'])
    expect(explain.stdout).toContain('$ mtproto-errors explain FLOOD_WAIT_30')
    const list = await cli(['list', '--help'])
    expect(list.stdout).toContain('$ mtproto-errors list --code 420')
  })
})
