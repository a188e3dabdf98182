/**
 * Vitest global setup: makes sure the services the tests use are installed before any test file
 * runs, so `npm ci && npm test` is the whole set-up on a fresh machine. Today that is one service,
 * `redis-server` (the Redis flood store's suites and the multi-process fleet test start their own
 * servers on free ports). Never skips: a suite that silently does not run looks the same as a green
 * one, so a machine that cannot get the service fails here, with what to install.
 */
import { execFileSync } from 'node:child_process'
import { hasRedisServer } from '../../src/testkit/redis-server.js'

/** apt-get update + install on a slow mirror stays well inside this; a hung mirror does not. */
const APT_TIMEOUT_MS = 10 * 60_000

const HOW_TO_INSTALL =
  'redis-server is not installed and could not be installed here. Install it, then run the tests ' +
  'again: `sudo apt-get install redis-server` (Debian, Ubuntu), `brew install redis` (macOS), ' +
  'or see https://redis.io/docs/latest/operate/oss_and_stack/install/.'

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: APT_TIMEOUT_MS,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

/** Installs Debian's package where this process may (root, apt-get); false where it may not. */
function installWithApt(): boolean {
  if (process.getuid?.() !== 0 || !onPath('apt-get')) return false
  console.log('[services] redis-server is missing: installing Debian package redis-server')
  run('apt-get', ['update'])
  run('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'])
  // The package starts a system-wide server where it can; the tests never use it (each starts its
  // own), so it would only hold port 6379 and memory.
  if (onPath('service')) {
    try {
      execFileSync('service', ['redis-server', 'stop'], { stdio: 'ignore', timeout: 30_000 })
    } catch {
      // Not started (no init system in a container): nothing to stop.
    }
  }
  return hasRedisServer()
}

/** Throws, with what to install, when `redis-server` is neither present nor installable. */
export function ensureRedisServer(): void {
  if (hasRedisServer()) return
  if (!installWithApt()) throw new Error(HOW_TO_INSTALL)
}

export default function setup(): void {
  ensureRedisServer()
}
