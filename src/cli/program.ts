import { createRequire } from 'node:module'
import { Command, CommanderError } from 'commander'
import { registerDecode } from './commands/decode.js'
import { registerExplain } from './commands/explain.js'
import { registerList } from './commands/list.js'
import { registerServe } from './commands/serve.js'
import type { CliContext } from './context.js'
import { EXIT_CODES } from './exit-codes.js'

/** Every command, in the order `--help` lists them. Add a command by adding its register function. */
const COMMANDS = [registerExplain, registerList, registerDecode, registerServe] as const

function version(): string {
  // The same relative path holds from src/cli/ (tsx) and from dist/cli/ (the published build).
  const pkg = createRequire(import.meta.url)('../../package.json') as { version?: string }
  return pkg.version ?? '0.0.0'
}

/** The command-line program, writing through `context` instead of to the process. */
export function createProgram(context: CliContext): Command {
  const program = new Command('mtproto-errors')
    .description('Explain Telegram API (MTProto) errors: what they mean and what to do about them.')
    .version(version(), '-v, --version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.out(text.replace(/\n$/, '')),
      writeErr: (text) => context.err(text.replace(/\n$/, '')),
    })
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 ok, 1 unknown input or nothing matched, 2 usage error.',
        'Colour is used only on a terminal, and never when NO_COLOR is set.',
        '',
        'Examples:',
        '  $ mtproto-errors explain FLOOD_WAIT_30',
        '  $ mtproto-errors list --code 420',
        '  $ mtproto-errors decode 6cfeffff',
        '  $ mtproto-errors serve --dcs 3',
        '  $ mtproto-errors explain --help',
      ].join('\n'),
    )
  for (const register of COMMANDS) register(program, context)
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(add --help for usage)')
  return program
}

/** Runs the program on `argv` (as in `process.argv`) and resolves to the exit code. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const program = createProgram(context)
  try {
    await program.parseAsync([...argv])
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_CODES.OK
    return EXIT_CODES.USAGE
  }
  return context.exitCode
}
