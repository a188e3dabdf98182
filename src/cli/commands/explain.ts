import { createInterface } from 'node:readline'
import { type Command, InvalidArgumentError } from 'commander'
import { explain } from '../../catalog/index.js'
import { type CliContext, raiseExitCode } from '../context.js'
import { EXIT_CODES } from '../exit-codes.js'
import { renderExplanation } from '../render-explanation.js'

interface ExplainOptions {
  readonly code?: number
  readonly json?: boolean
}

/** Parses `--code`: an integer such as 420 or -503. */
export function parseCode(value: string): number {
  if (!/^-?\d{1,4}$/.test(value.trim()))
    throw new InvalidArgumentError('expected an integer code such as 420 or -503')
  return Number(value)
}

function explainOne(context: CliContext, input: string, options: ExplainOptions, first: boolean): void {
  const explanation = explain(input, options.code)
  if (!explanation.known) raiseExitCode(context, EXIT_CODES.UNKNOWN)
  if (options.json) {
    context.out(JSON.stringify({ input, ...explanation }))
    return
  }
  if (!first) context.out('')
  for (const line of renderExplanation(explanation, context.style)) context.out(line)
}

async function readLines(context: CliContext, each: (line: string) => void): Promise<void> {
  const lines = createInterface({ input: context.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) if (line.trim() !== '') each(line.trim())
}

/** `explain <inputs...>`: what an error means and what to do about it. */
export function registerExplain(program: Command, context: CliContext): void {
  program
    .command('explain')
    .summary('explain error types or messages')
    .description(
      'Explain one or more error types, messages or templates: category, meaning, parameters and the\n' +
        'recommended action. An input may start with its code ("420 FLOOD_WAIT_30"). Use "-" to read\n' +
        'inputs from standard input, one per line.\n\n' +
        'Exit status: 0 when every input is known, 1 when any is not (a fallback is still printed),\n' +
        '2 on a usage error.',
    )
    .argument('<inputs...>', 'types, messages or templates; "-" reads lines from stdin')
    .option(
      '-c, --code <code>',
      'the error code the input arrived with (overrides a leading code)',
      parseCode,
    )
    .option('--json', 'print one JSON object per input, one per line (JSON Lines)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ mtproto-errors explain FLOOD_WAIT_30',
        '  $ mtproto-errors explain PHONE_NUMBER_INVALID --code 400',
        '  $ mtproto-errors explain "FLOOD_WAIT_%d" --json',
        "  $ grep -o '[A-Z_0-9]*_INVALID' app.log | mtproto-errors explain -",
      ].join('\n'),
    )
    .action(async (inputs: string[], options: ExplainOptions) => {
      let first = true
      for (const input of inputs) {
        if (input === '-') {
          await readLines(context, (line) => {
            explainOne(context, line, options, first)
            first = false
          })
        } else {
          explainOne(context, input, options, first)
          first = false
        }
      }
    })
}
