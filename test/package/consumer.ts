import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'

/** What a finished child process left behind. */
export interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** The temporary project the packed tarball is installed in (see setup.ts). */
export function consumerDir(): string {
  return inject('consumerDir')
}

/** The installed package's manifest, as a user's resolver reads it. */
export function installedManifest(): {
  version: string
  exports: Record<string, unknown>
  bin: Record<string, string>
} {
  return JSON.parse(readFileSync(join(consumerDir(), 'node_modules/mtproto-errors/package.json'), 'utf8'))
}

/** Every subpath a user can import (`mtproto-errors`, `mtproto-errors/testkit`, ...), from the exports map. */
export function importableSpecifiers(): string[] {
  return Object.keys(installedManifest().exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? 'mtproto-errors' : `mtproto-errors/${key.slice(2)}`))
}

/** Writes a file into the consumer project and returns its path. */
export function writeInConsumer(name: string, text: string): string {
  const path = join(consumerDir(), name)
  writeFileSync(path, text)
  return path
}

/**
 * Runs a command in the consumer project to its end, never throwing on a non-zero exit (the tests
 * assert on it, with the output in the message). Killed after `timeoutMs`.
 */
export function runInConsumer(
  command: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: consumerDir(), timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Runs a script with the consumer's Node, as `node <file>`. */
export function runNode(file: string, args: readonly string[] = [], timeoutMs?: number): Promise<Finished> {
  return runInConsumer(process.execPath, [file, ...args], timeoutMs)
}

/** The output of a run, for assertion messages. */
export function transcript(run: Finished): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
}
