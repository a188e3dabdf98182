import type { Style } from './style.js'

/**
 * What a command needs from the outside world. Commands never touch `process` directly, so a new
 * command (`decode`, `serve`) is written the same way and stays testable.
 */
export interface CliContext {
  /** Writes one line to standard output. */
  readonly out: (line: string) => void
  /** Writes one line to standard error. */
  readonly err: (line: string) => void
  readonly stdin: NodeJS.ReadableStream
  /** The terminal's width in columns, for laying out `--help`; absent off a terminal (80 is used). */
  readonly columns?: number
  readonly style: Style
  /**
   * Resolves with the signal's name when the user asks the program to stop (SIGINT, SIGTERM), for
   * commands that run until then (`serve`). Absent where nothing can ask (a test's context).
   */
  readonly waitForStop?: () => Promise<string>
  /** The exit code so far; a command raises it, never lowers it. */
  exitCode: number
}

/** Raises the context's exit code to `code` if it is higher. */
export function raiseExitCode(context: CliContext, code: number): void {
  if (code > context.exitCode) context.exitCode = code
}
