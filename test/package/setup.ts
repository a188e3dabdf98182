/**
 * Global setup of the package tests: builds the package, packs it as `npm publish` would, and
 * installs the tarball into a fresh temporary project together with the peers a user adds, so every
 * test here exercises what a user installs (`dist/` through the exports map), never `src/`.
 *
 * The peers and tools are pinned to the versions installed in this repository, and installed with
 * `--prefer-offline`, so a warm npm cache serves them. The one exception is the newest TypeScript
 * the registry serves, which the type-check tests compare with ours: that is a registry look-up by
 * design (a user who runs `npm install typescript` today gets it).
 *
 * MTPROTO_ERRORS_CONSUMER=<folder> reuses a project this setup installed before (it is then kept),
 * to iterate on the tests themselves; CI never sets it.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'

const root = resolve(import.meta.dirname, '../..')

/** Build, pack and install take about two minutes on a loaded 2-core machine; this bounds a hang. */
const STEP_TIMEOUT_MS = 10 * 60_000

/** The peers a user adds for every entry point, plus the tools the tests run in the project. */
const FROM_OUR_DEV_DEPENDENCIES = [
  '@mtcute/core',
  '@mtcute/node',
  '@mtcute/tl-runtime',
  'telegram',
  'grammy',
  'ioredis',
  'long',
  '@opentelemetry/api',
  'tsx',
  '@types/node',
] as const

declare module 'vitest' {
  export interface ProvidedContext {
    /** The temporary project the tarball is installed in. */
    consumerDir: string
    /** Versions of the two TypeScript compilers installed there as `ts-ours` and `ts-latest`. */
    typescriptVersions: { ours: string; latest: string }
  }
}

function step(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', timeout: STEP_TIMEOUT_MS, stdio: 'pipe' })
}

/** The version of a package installed in this repository: what the npm cache already holds. */
function installedVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'))
  return (pkg as { version: string }).version
}

function typescriptVersionsIn(dir: string): { ours: string; latest: string } {
  const versionOf = (alias: string) =>
    (
      JSON.parse(readFileSync(join(dir, 'node_modules', alias, 'package.json'), 'utf8')) as {
        version: string
      }
    ).version
  return { ours: versionOf('ts-ours'), latest: versionOf('ts-latest') }
}

function installConsumer(): string {
  step('npm', ['run', 'build'], root)
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-errors-consumer-'))
  const packed = JSON.parse(step('npm', ['pack', '--json', '--pack-destination', dir], root)) as {
    filename: string
  }[]
  const tarball = join(dir, packed[0]!.filename)
  const project = join(dir, 'project')
  mkdirSync(project)
  // No "type": each test script says its format by its extension (.mjs, .cjs, .mts, .cts).
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true }, null, 2)}\n`,
  )
  const latestTypescript = step('npm', ['view', 'typescript', 'version'], project).trim()
  step(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      // Our package has no install scripts; the peers' (better-sqlite3's native build, which mtcute
      // needs only for storage on disk, not the memory storage used here) would compile for minutes.
      '--ignore-scripts',
      tarball,
      ...FROM_OUR_DEV_DEPENDENCIES.map((name) => `${name}@${installedVersion(name)}`),
      `ts-ours@npm:typescript@${installedVersion('typescript')}`,
      `ts-latest@npm:typescript@${latestTypescript}`,
    ],
    project,
  )
  return project
}

export default function setup(project: TestProject): () => void {
  const reused = process.env.MTPROTO_ERRORS_CONSUMER
  const dir = reused ?? installConsumer()
  project.provide('consumerDir', dir)
  project.provide('typescriptVersions', typescriptVersionsIn(dir))
  console.log(`[package] consumer project: ${dir}`)
  return () => {
    if (reused === undefined) rmSync(resolve(dir, '..'), { recursive: true, force: true })
  }
}
