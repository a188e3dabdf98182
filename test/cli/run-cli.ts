import { spawn } from 'node:child_process'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { CliContext } from '../../src/cli/context.js'
import { runCli } from '../../src/cli/program.js'
import { createStyle } from '../../src/cli/style.js'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/** What one run of the CLI produced. */
export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** What a test may hand the CLI in place of the process's own. */
export interface RunInput {
  /** Standard input: text, or a stream for inputs too large to hold. */
  readonly stdin?: string | NodeJS.ReadableStream
  readonly columns?: number
  readonly waitForStop?: () => Promise<string>
}

/** Runs the CLI in this process through `runCli`, with an injected context; no colour. */
export async function cli(args: readonly string[], input: RunInput = {}): Promise<Run> {
  const stdout: string[] = []
  const stderr: string[] = []
  const stdin =
    typeof input.stdin === 'string' || input.stdin === undefined
      ? Readable.from([input.stdin ?? ''])
      : input.stdin
  const context: CliContext = {
    out: (line) => stdout.push(`${line}\n`),
    err: (line) => stderr.push(`${line}\n`),
    stdin,
    style: createStyle(false),
    exitCode: 0,
    ...(input.columns !== undefined && { columns: input.columns }),
    ...(input.waitForStop !== undefined && { waitForStop: input.waitForStop }),
  }
  const code = await runCli(['node', 'mtproto-errors', ...args], context)
  return { code, stdout: stdout.join(''), stderr: stderr.join('') }
}

/** Starts the real CLI from source as a separate process, the way a user's shell would. */
export function spawnCli(args: readonly string[]) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '0' },
  })
}
