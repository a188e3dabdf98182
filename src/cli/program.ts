import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import type { CommandSpec, ParsedArgs } from './command.js'
import { decodeCommand } from './commands/decode.js'
import { explainCommand } from './commands/explain.js'
import { listCommand } from './commands/list.js'
import { serveCommand } from './commands/serve.js'
import type { CliContext } from './context.js'
import { EXIT_CODES } from './exit-codes.js'
import { commandHelp, helpWidth, programHelp } from './help.js'
import { quoteBounded } from './limits.js'
import { UsageError } from './usage-error.js'

/** Every command, in the order `--help` lists them. Add a command by adding its spec here. */
const COMMANDS: readonly CommandSpec[] = [explainCommand, listCommand, decodeCommand, serveCommand]

const HINT = '(add --help for usage)'

/**
 * `util.parseArgs` reads `-503` as the short options 5, 0 and 3; a code is a value here, never an
 * option. Such arguments are marked with a NUL (which no command-line argument can contain) so
 * the parser takes them for values, and unmarked after.
 */
const NEGATIVE_NUMBER = /^-\d+$/
const MARK = '\u0000'

/** The longest parser message repeated to the user: it may quote an argument of any length. */
const MAX_PARSER_MESSAGE_CHARS = 200

function version(): string {
  // The same relative path holds from src/cli/ (tsx) and from dist/cli/ (the published build).
  const pkg = createRequire(import.meta.url)('../../package.json') as { version?: string }
  return pkg.version ?? '0.0.0'
}

function unmark<T>(value: T): T {
  return (typeof value === 'string' && value.startsWith(MARK) ? value.slice(1) : value) as T
}

/** The command's arguments, parsed and checked against its spec; `help` when it was asked for. */
function parseCommandLine(command: CommandSpec, args: readonly string[]): ParsedArgs | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  }
  for (const [name, option] of Object.entries(command.options)) {
    options[name] =
      option.short === undefined ? { type: option.type } : { type: option.type, short: option.short }
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: args.map((arg) => (NEGATIVE_NUMBER.test(arg) ? MARK + arg : arg)),
      options,
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    const message = (error as Error).message.replaceAll(MARK, '')
    throw new UsageError(
      message.length > MAX_PARSER_MESSAGE_CHARS
        ? `${message.slice(0, MAX_PARSER_MESSAGE_CHARS)}...`
        : message,
    )
  }
  if (parsed.values.help === true) return 'help'
  const values: Record<string, string | boolean | undefined> = {}
  for (const [name, option] of Object.entries(command.options)) {
    const value = unmark(parsed.values[name] as string | boolean | undefined)
    values[name] = value ?? option.default
  }
  const positionals = parsed.positionals.map(unmark)
  if (command.argument === undefined && positionals.length > 0) {
    throw new UsageError(`unexpected argument ${quoteBounded(positionals[0] as string)}`)
  }
  if (command.argument?.required && positionals.length === 0) {
    throw new UsageError(`missing argument ${command.argument.name}`)
  }
  return { positionals, values }
}

/**
 * Runs the program on `argv` (as in `process.argv`: the first two entries are skipped) and
 * resolves to the exit code. Writes only through `context`, so tests run it in process.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const width = helpWidth(context.columns)
  const [first, ...rest] = argv.slice(2)
  const out = (lines: readonly string[]) => {
    for (const line of lines) context.out(line)
  }
  if (first === undefined) {
    for (const line of programHelp(COMMANDS, width)) context.err(line)
    return EXIT_CODES.USAGE
  }
  if (first === '-h' || first === '--help') {
    out(programHelp(COMMANDS, width))
    return EXIT_CODES.OK
  }
  if (first === '-v' || first === '--version') {
    context.out(version())
    return EXIT_CODES.OK
  }
  const command = COMMANDS.find((c) => c.name === (first === 'help' ? rest[0] : first))
  if (first === 'help' && (rest.length === 0 || command !== undefined)) {
    out(command === undefined ? programHelp(COMMANDS, width) : commandHelp(command, width))
    return EXIT_CODES.OK
  }
  try {
    if (command === undefined) {
      const what = first.startsWith('-') ? 'option' : 'command'
      throw new UsageError(`unknown ${what} ${quoteBounded(first === 'help' ? (rest[0] as string) : first)}`)
    }
    const parsed = parseCommandLine(command, rest)
    if (parsed === 'help') {
      out(commandHelp(command, width))
      return EXIT_CODES.OK
    }
    await command.run(parsed, context)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    context.err(`mtproto-errors${command === undefined ? '' : ` ${command.name}`}: ${error.message}`)
    context.err(HINT)
    return Math.max(context.exitCode, EXIT_CODES.USAGE)
  }
  return context.exitCode
}
