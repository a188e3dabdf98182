/**
 * Runs the core's tests in every runtime the README names, each with Vitest started by that
 * runtime, and prints how many tests passed in each. It installs what is missing on its own:
 * Bun, Deno and the Node majors from the npm registry (the `bun` and `deno` packages and
 * `node-<os>-<arch>`, each into a cache folder on first use, so `npm ci` does not download 200 MB
 * of binaries that only this script needs), Chromium from Debian's apt when this is a root Debian
 * machine.
 *
 *   tsx scripts/test-runtimes.ts                      every runtime, the core's tests
 *   tsx scripts/test-runtimes.ts bun chromium         only those
 *   tsx scripts/test-runtimes.ts --whole-suite node22 the whole suite (all of test/) on Node 22
 *   tsx scripts/test-runtimes.ts --whole-suite        the whole suite on every Node release above
 *
 * Exits non-zero when a runtime fails, runs no test, or cannot be set up.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EXPECTED_RUNTIME_VARIABLE } from '../test/runtimes/expected-runtime.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const vitestEntry = join(root, 'node_modules/vitest/vitest.mjs')
const coreConfig = 'test/runtimes/vitest.core.config.ts'
const browserConfig = 'test/runtimes/vitest.browser.config.ts'

/** Node releases tested besides the one running this script; exact, so a table row names one build. */
const NODE_RELEASES: Readonly<Record<string, string>> = { node22: '22.23.5', node24: '24.22.3' }
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** A runtime that has not finished by then is stopped and counted as failed. */
const RUN_LIMIT_MS = 20 * 60_000

/** One runtime: how to learn its version and how to start Vitest in it. */
interface Runtime {
  readonly name: string
  /** Installs what is missing; returns the version to report. Throws with what to do when it cannot. */
  prepare(): string
  /** The command that starts Vitest in this runtime, given Vitest's own arguments. */
  command(vitestArgs: readonly string[]): { file: string; args: string[] }
  /** A folder put first on PATH, so that tests spawning `node` get this runtime's Node too. */
  binDir?(): string
  /** Whether `--whole-suite` applies: only Node majors run all of test/ (the rest needs Node). */
  readonly canRunWholeSuite: boolean
}

/** Exact versions, so a table row names one build. */
const BUN_RELEASE = '1.4.5'
const DENO_RELEASE = '2.9.6'

/** First line a command prints, or a clear error naming the command. */
function firstLine(file: string, args: readonly string[]): string {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 60_000 })
  if (result.status !== 0) throw new Error(`\`${file} ${args.join(' ')}\` failed: ${result.stderr}`)
  return (result.stdout.split('\n')[0] ?? '').trim()
}

/**
 * Path of a binary that an npm package carries, installed into a cache folder on first use. The
 * `bun` and `deno` packages put theirs in place in a postinstall script, which npm runs here.
 */
function installFromRegistry(pkg: string, release: string, binPath: string): string {
  const prefix = join(root, 'node_modules/.cache/mtproto-errors-runtimes', `${pkg}-${release}`)
  const bin = join(prefix, 'node_modules', pkg, binPath)
  if (existsSync(bin) && spawnSync(bin, ['--version'], { timeout: 60_000 }).status === 0) return bin
  mkdirSync(prefix, { recursive: true })
  console.log(`installing ${pkg}@${release} into ${prefix}`)
  const result = spawnSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefix',
      prefix,
      `${pkg}@${release}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 },
  )
  if (result.status !== 0 || !existsSync(bin)) throw new Error(`could not install ${pkg}@${release} from npm`)
  return bin
}

function registryRuntime(
  name: string,
  install: () => string,
  version: (bin: string) => string,
  args: (vitestArgs: readonly string[]) => string[],
): Runtime {
  let bin = ''
  return {
    name,
    canRunWholeSuite: false,
    prepare: () => {
      bin = install()
      return version(bin)
    },
    command: (vitestArgs) => ({ file: bin, args: args(vitestArgs) }),
  }
}

// --bun makes the workers Vitest forks, and anything they spawn as `node`, Bun as well.
const bun = registryRuntime(
  'bun',
  () => installFromRegistry('bun', BUN_RELEASE, 'bin/bun.exe'),
  (bin) => `Bun ${firstLine(bin, ['--version'])}`,
  (vitestArgs) => ['--bun', vitestEntry, ...vitestArgs],
)

const deno = registryRuntime(
  'deno',
  () => installFromRegistry('deno', DENO_RELEASE, 'deno'),
  (bin) => firstLine(bin, ['--version']).replace(/^deno (\S+).*/, 'Deno $1'),
  (vitestArgs) => ['run', '-A', vitestEntry, ...vitestArgs],
)

/** Installs Debian's Chromium when it is missing and this machine can (root, apt). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return
  const isRoot = process.getuid?.() === 0
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's \`chromium\` or set CHROMIUM_PATH`)
  }
  console.log('installing chromium with apt-get')
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 15 * 60_000,
    })
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status})`)
  }
}

const chromium: Runtime = {
  name: 'chromium',
  canRunWholeSuite: false,
  prepare: () => {
    ensureChromium()
    return firstLine(CHROMIUM_PATH, ['--version']).replace(/ built on .*/, '')
  },
  // Vitest runs in this Node and drives the browser; the tests themselves run in the page.
  command: (vitestArgs) => ({ file: process.execPath, args: [vitestEntry, ...vitestArgs] }),
}

/** Path of the `node` binary of one release, from the registry's `node-<os>-<arch>` package. */
function installNode(release: string): string {
  return installFromRegistry(`node-${process.platform}-${process.arch}`, release, 'bin/node')
}

function nodeRuntime(name: string, release: string): Runtime {
  let bin = ''
  return {
    name,
    canRunWholeSuite: true,
    prepare: () => {
      bin = installNode(release)
      return `Node ${firstLine(bin, ['--version'])}`
    },
    command: (vitestArgs) => ({ file: bin, args: [vitestEntry, ...vitestArgs] }),
    binDir: () => dirname(bin),
  }
}

const RUNTIMES: readonly Runtime[] = [
  bun,
  deno,
  chromium,
  ...Object.entries(NODE_RELEASES).map(([name, release]) => nodeRuntime(name, release)),
]

/** The part of Vitest's JSON report this script reads. */
interface VitestJsonReport {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  numFailedTestSuites: number
  testResults: unknown[]
}

interface Outcome {
  readonly name: string
  readonly version: string
  readonly passed: number
  readonly failed: number
  readonly skipped: number
  readonly files: number
  readonly seconds: number
  /** Why the run counts as failed although no test failed, if it does. */
  readonly problem?: string
}

/**
 * Runs a command with its output shown, in its own process group so that a timeout, or this
 * script being interrupted, ends Vitest's workers and the browser along with it.
 */
function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    })
    const killGroup = () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    }
    const onSignal = (signal: NodeJS.Signals) => {
      killGroup()
      process.exit(signal === 'SIGINT' ? 130 : 143)
    }
    const timer = setTimeout(() => {
      killGroup()
      resolve(`stopped after ${RUN_LIMIT_MS / 60_000} minutes`)
    }, RUN_LIMIT_MS)
    const release = () => {
      clearTimeout(timer)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    child.on('error', (error) => {
      release()
      resolve(`could not start: ${error.message}`)
    })
    child.on('exit', (code, signal) => {
      release()
      resolve(code ?? `ended by ${signal}`)
    })
  })
}

async function runOne(runtime: Runtime, wholeSuite: boolean, reportDir: string): Promise<Outcome> {
  const started = Date.now()
  const seconds = () => Math.round((Date.now() - started) / 100) / 10
  const empty = { name: runtime.name, passed: 0, failed: 0, skipped: 0, files: 0 }
  let version: string
  try {
    version = runtime.prepare()
  } catch (error) {
    return { ...empty, version: '?', seconds: seconds(), problem: (error as Error).message }
  }
  console.log(`\n=== ${runtime.name}: ${version}${wholeSuite ? ', whole suite' : ", core's tests"} ===`)
  const reportFile = join(reportDir, `${runtime.name}.json`)
  const config = runtime.name === 'chromium' ? browserConfig : coreConfig
  const vitestArgs = [
    'run',
    // The whole suite runs with the project's own config; the identity check then has no place.
    ...(wholeSuite ? [] : ['--config', config]),
    '--reporter=dot',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
  ]
  const { file, args } = runtime.command(vitestArgs)
  const env: NodeJS.ProcessEnv = { ...process.env, [EXPECTED_RUNTIME_VARIABLE]: runtime.name }
  if (runtime.binDir) env.PATH = `${runtime.binDir()}${delimiter}${env.PATH ?? ''}`
  const exit = await run(file, args, env)
  if (!existsSync(reportFile)) {
    return { ...empty, version, seconds: seconds(), problem: `no report (exit ${exit})` }
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestJsonReport
  const outcome = {
    name: runtime.name,
    version,
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
    files: report.testResults.length,
    seconds: seconds(),
  }
  if (exit !== 0) return { ...outcome, problem: `Vitest exited with ${exit}` }
  if (report.numFailedTestSuites > 0)
    return { ...outcome, problem: `${report.numFailedTestSuites} files failed to run` }
  if (outcome.passed === 0) return { ...outcome, problem: 'no test ran' }
  return outcome
}

function parseArguments(argv: readonly string[]): { selected: Runtime[]; wholeSuite: boolean } {
  const wholeSuite = argv.includes('--whole-suite')
  const names = argv.filter((argument) => argument !== '--whole-suite')
  const unknown = names.filter((name) => !RUNTIMES.some((runtime) => runtime.name === name))
  if (unknown.length > 0) {
    throw new Error(`unknown runtime ${unknown.join(', ')}; known: ${RUNTIMES.map((r) => r.name).join(', ')}`)
  }
  // With no names, every runtime; with --whole-suite and no names, every one that can run it.
  const named = names.length === 0 ? RUNTIMES : RUNTIMES.filter((r) => names.includes(r.name))
  const selected = names.length === 0 && wholeSuite ? named.filter((r) => r.canRunWholeSuite) : [...named]
  const cannot = selected.filter((runtime) => wholeSuite && !runtime.canRunWholeSuite)
  if (cannot.length > 0) {
    throw new Error(
      `--whole-suite needs Node; ${cannot.map((r) => r.name).join(', ')} run the core's tests only`,
    )
  }
  return { selected, wholeSuite }
}

async function main(): Promise<number> {
  const { selected, wholeSuite } = parseArguments(process.argv.slice(2))
  const reportDir = mkdtempSync(join(tmpdir(), 'mtproto-errors-runtimes-'))
  const outcomes: Outcome[] = []
  try {
    // One at a time: each run already uses every core, and their output stays readable.
    for (const runtime of selected) outcomes.push(await runOne(runtime, wholeSuite, reportDir))
  } finally {
    rmSync(reportDir, { recursive: true, force: true })
  }
  console.log('\nruntime   version                       passed  failed  skipped  files  seconds')
  for (const o of outcomes) {
    const row = [
      o.name.padEnd(9),
      o.version.padEnd(29),
      String(o.passed).padStart(6),
      String(o.failed).padStart(7),
    ]
    row.push(String(o.skipped).padStart(8), String(o.files).padStart(6), String(o.seconds).padStart(8))
    console.log(`${row.join(' ')}${o.problem ? `  FAILED: ${o.problem}` : ''}`)
  }
  const passed = outcomes.reduce((sum, o) => sum + o.passed, 0)
  const failed = outcomes.reduce((sum, o) => sum + o.failed, 0)
  const broken = outcomes.filter((o) => o.problem !== undefined)
  console.log(`runtimes: ${passed} passed, ${failed} failed`)
  return broken.length === 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:runtimes: ${(error as Error).message}`)
    process.exit(2)
  },
)
