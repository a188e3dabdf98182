import type { CliContext } from './context.js'

/** One option of a command, as `util.parseArgs` reads it, with what `--help` says about it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly short?: string
  /** The value's name in `--help` (`<code>`), for string options. */
  readonly valueName?: string
  /** The value used when the option is not given, shown in `--help`. */
  readonly default?: string
  readonly help: string
}

/** What a command received: its positionals and its option values (strings or `true`). */
export interface ParsedArgs {
  readonly positionals: readonly string[]
  readonly values: Readonly<Record<string, string | boolean | undefined>>
}

/**
 * A command of the CLI: everything `--help` shows, and `run`. Adding a command is writing one of
 * these and listing it in program.ts.
 */
export interface CommandSpec {
  readonly name: string
  /** One line, for the top-level command list. */
  readonly summary: string
  /** Paragraphs (no hard line breaks: `--help` wraps them to the terminal once). */
  readonly description: readonly string[]
  /** The positional argument (`<inputs...>`) and what it is; absent for a command without one. */
  readonly argument?: { readonly name: string; readonly help: string; readonly required: boolean }
  readonly options: Readonly<Record<string, OptionSpec>>
  /** What each exit code means for this command. */
  readonly exitStatus: string
  /** Command lines shown as they are (never wrapped, so they stay copyable). */
  readonly examples: readonly string[]
  run(args: ParsedArgs, context: CliContext): Promise<void> | void
}
