/**
 * Vitest global setup: makes sure the services the tests use are installed before any test file
 * runs, so `npm ci && npm test` is the whole set-up on a fresh machine: `redis-server` (the Redis
 * flood store's suites and the multi-process fleet test start their own servers on free ports) and
 * `prometheus` (the OpenTelemetry end-to-end test starts its own on a free port). Never skips: a
 * suite that silently does not run looks the same as a green one, so a machine that cannot get a
 * service fails here, with what to install.
 */
import { execFileSync } from 'node:child_process'

/** apt-get update + install on a slow mirror stays well inside this; a hung mirror does not. */
const APT_TIMEOUT_MS = 10 * 60_000

/** A program the tests start, and how a person gets it where this setup cannot install it. */
interface Service {
  /** The command on PATH, and Debian's package of the same name. */
  readonly command: string
  /** What to run, for the error message. */
  readonly howToInstall: string
}

const SERVICES: readonly Service[] = [
  {
    command: 'redis-server',
    howToInstall:
      '`sudo apt-get install redis-server` (Debian, Ubuntu), `brew install redis` (macOS), ' +
      'or see https://redis.io/docs/latest/operate/oss_and_stack/install/',
  },
  {
    command: 'prometheus',
    howToInstall:
      '`sudo apt-get install prometheus` (Debian, Ubuntu), `brew install prometheus` (macOS), ' +
      'or see https://prometheus.io/download/',
  },
]

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

/** Installs Debian's packages where this process may (root, apt-get); false where it may not. */
function installWithApt(packages: readonly string[]): boolean {
  if (process.getuid?.() !== 0 || !onPath('apt-get')) return false
  console.log(`[services] missing: installing Debian package(s) ${packages.join(', ')}`)
  run('apt-get', ['update'])
  run('apt-get', ['install', '-y', '--no-install-recommends', ...packages])
  // A package starts a system-wide server where it can; the tests never use it (each starts its
  // own), so it would only hold a port and memory.
  if (onPath('service')) {
    for (const name of packages) {
      try {
        execFileSync('service', [name, 'stop'], { stdio: 'ignore', timeout: 30_000 })
      } catch {
        // Not started (no init system in a container): nothing to stop.
      }
    }
  }
  return packages.every(onPath)
}

/** Throws, with what to install, when a service is neither present nor installable. */
export function ensureServices(services: readonly Service[] = SERVICES): void {
  const missing = services.filter((service) => !onPath(service.command))
  if (missing.length === 0) return
  if (installWithApt(missing.map((service) => service.command))) return
  const still = missing.filter((service) => !onPath(service.command))
  throw new Error(
    `${still.map((service) => service.command).join(' and ')} not installed and could not be installed ` +
      `here. Install, then run the tests again: ${still.map((service) => service.howToInstall).join('; ')}.`,
  )
}

export default function setup(): void {
  ensureServices()
}
