import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const folders: string[] = []

/**
 * A PATH of its own: `sh` and `chmod` from the system, none of the services, and optionally a
 * stand-in `apt-get` that logs its arguments and, on `install`, puts a stand-in for each package
 * it is given on that PATH.
 */
function fakeSystem(withAptGet: boolean): { bin: string; log: string } {
  const bin = mkdtempSync(join(tmpdir(), 'mtproto-errors-services-'))
  folders.push(bin)
  const log = join(bin, 'apt.log')
  symlinkSync('/bin/sh', join(bin, 'sh'))
  symlinkSync('/bin/chmod', join(bin, 'chmod'))
  if (withAptGet) {
    writeFileSync(
      join(bin, 'apt-get'),
      [
        '#!/bin/sh',
        `echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> '${log}'`,
        'if [ "$1" = install ]; then',
        '  for name in "$@"; do case "$name" in -*|install) ;; *)',
        `    printf '#!/bin/sh\\necho stand-in\\n' > '${bin}/'"$name"`,
        `    chmod +x '${bin}/'"$name" ;;`,
        '  esac; done',
        'fi',
        '',
      ].join('\n'),
    )
    chmodSync(join(bin, 'apt-get'), 0o755)
  }
  return { bin, log }
}

/** Runs the global setup in a child process whose PATH is `bin` only; resolves to what it printed. */
function runSetup(bin: string): Promise<{ ok: boolean; output: string }> {
  const script = `import setup from ${JSON.stringify(join(root, 'test/setup/services.ts'))}
try { setup(); console.log('ready') } catch (error) { console.log(error.message); process.exitCode = 3 }`
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, env: { PATH: bin, HOME: tmpdir() }, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => done({ ok: error === null, output: `${stdout}${stderr}` }),
    )
  })
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

describe('the services global setup', () => {
  it('installs redis-server and prometheus with apt-get, non-interactively, when they are missing', async () => {
    const { bin, log } = fakeSystem(true)
    const run = await runSetup(bin)
    if (process.getuid?.() === 0) {
      expect(run, run.output).toMatchObject({ ok: true })
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        'DEBIAN_FRONTEND=noninteractive update',
        'DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends redis-server prometheus',
      ])
      expect(existsSync(join(bin, 'redis-server'))).toBe(true)
      expect(existsSync(join(bin, 'prometheus'))).toBe(true)
    } else {
      // Not root: apt-get is never tried, and the run stops with what to install.
      expect(run.ok).toBe(false)
      expect(existsSync(log)).toBe(false)
      expect(run.output).toMatch(/apt-get install redis-server/)
    }
  }, 60_000)

  it('fails at once, naming what to install, where there is no apt-get', async () => {
    const { bin } = fakeSystem(false)
    const run = await runSetup(bin)
    expect(run.ok).toBe(false)
    expect(run.output).toMatch(
      /redis-server and prometheus not installed[\s\S]*apt-get install redis-server[\s\S]*brew install redis[\s\S]*apt-get install prometheus/,
    )
  }, 60_000)

  it('installs nothing where the services are already there', async () => {
    const { bin, log } = fakeSystem(true)
    for (const name of ['redis-server', 'prometheus']) {
      writeFileSync(join(bin, name), '#!/bin/sh\necho stand-in\n')
      chmodSync(join(bin, name), 0o755)
    }
    const run = await runSetup(bin)
    expect(run, run.output).toMatchObject({ ok: true })
    expect(existsSync(log)).toBe(false)
  }, 60_000)
})
