import { type Explanation, explain } from '../../catalog/index.js'
import type { CommandSpec, ParsedArgs } from '../command.js'
import { type CliContext, raiseExitCode } from '../context.js'
import { EXIT_CODES } from '../exit-codes.js'
import { CLI_LIMITS, quoteBounded } from '../limits.js'
import { readLinesBounded } from '../read-input.js'
import { renderExplanation } from '../render-explanation.js'
import { closeCatalogNames } from '../suggest.js'
import { UsageError } from '../usage-error.js'

/** A code as the protocol writes it: 420, -503. */
const CODE = /^-?\d{1,4}$/

/** Parses `--code`: an integer such as 420 or -503. */
export function parseCode(value: string): number {
  if (!CODE.test(value.trim()))
    throw new UsageError(`--code: expected an integer code such as 420 or -503, got ${quoteBounded(value)}`)
  return Number(value)
}

/**
 * The inputs of the command line: a code standing alone before a type (`420 FLOOD_WAIT_30`, two
 * arguments, as people type it) joins that type, as if quoted together.
 */
export function groupInputs(args: readonly string[]): string[] {
  const inputs: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const next = args[i + 1]
    if (CODE.test(arg) && next !== undefined && next !== '-' && !CODE.test(next)) {
      inputs.push(`${arg} ${next}`)
      i++
    } else inputs.push(arg)
  }
  return inputs
}

/** `420 flood_wait_30: text` -> `420 FLOOD_WAIT_30: text`: types are upper case, `%d` is not. */
function upperCaseType(input: string): string {
  const colon = input.indexOf(': ')
  const head = colon === -1 ? input : input.slice(0, colon)
  const upper = head.toUpperCase().replace(/%D/g, '%d')
  return colon === -1 ? upper : upper + input.slice(colon)
}

/** The type-like word of an input, without its code, for "did you mean". */
function typeWord(input: string): string {
  return input.replace(/^-?\d{1,4}\s+/, '').split(/[:\s]/)[0] ?? ''
}

/**
 * Explains `input`, reading it in upper case when only that is known (`flood_wait_30`). Only an
 * input shaped like a type (an underscore, a digit or `%d` in it) is read so: `Timeout`, the text
 * of a -503, is no type and must stay what it is.
 */
function explainInput(
  input: string,
  code: number | undefined,
): { explanation: Explanation; didYouMean: string[] } {
  const explanation = explain(input, code)
  if (explanation.known) return { explanation, didYouMean: [] }
  const upper = upperCaseType(input)
  if (upper !== input && /[_%\d]/.test(typeWord(input))) {
    const again = explain(upper, code)
    if (again.known) return { explanation: again, didYouMean: [] }
  }
  return { explanation, didYouMean: closeCatalogNames(typeWord(input)) }
}

class ExplainRun {
  private first = true

  constructor(
    private readonly context: CliContext,
    private readonly code: number | undefined,
    private readonly json: boolean,
  ) {}

  one(input: string): void {
    const { context } = this
    if (input.length > CLI_LIMITS.maxExplainInputChars) {
      this.refuse(`input ${quoteBounded(input)}`)
      return
    }
    const { explanation, didYouMean } = explainInput(input, this.code)
    if (!explanation.known) raiseExitCode(context, EXIT_CODES.UNKNOWN)
    if (this.json) {
      context.out(JSON.stringify({ input, ...explanation, ...(didYouMean.length > 0 && { didYouMean }) }))
      return
    }
    if (!this.first) context.out('')
    this.first = false
    for (const line of renderExplanation(explanation, context.style)) context.out(line)
    if (didYouMean.length > 0)
      context.out(`  ${context.style.dim('Did you mean:'.padEnd(15))}${didYouMean.join(', ')}`)
  }

  refuse(what: string): void {
    this.context.err(
      `explain: ${what} is longer than the ${CLI_LIMITS.maxExplainInputChars} characters accepted`,
    )
    raiseExitCode(this.context, EXIT_CODES.USAGE)
  }
}

/** `explain <inputs...>`: what an error means and what to do about it. */
export const explainCommand: CommandSpec = {
  name: 'explain',
  summary: 'explain error types or messages',
  description: [
    'Explain one or more error types, messages or templates: category, meaning, parameters and the recommended action. An input may start with its code, in the same argument ("420 FLOOD_WAIT_30") or in the one before it (420 FLOOD_WAIT_30). Case does not matter (flood_wait_30). For an input the catalogue does not know, the closest names it does know are suggested.',
    `Use "-" to read inputs from standard input, one per line. An input may be at most ${CLI_LIMITS.maxExplainInputChars} characters long.`,
  ],
  argument: {
    name: '<inputs...>',
    help: 'types, messages or templates; "-" reads lines from stdin',
    required: true,
  },
  options: {
    code: {
      type: 'string',
      short: 'c',
      valueName: 'code',
      help: 'the error code the inputs arrived with (overrides a leading code); --code=-503 for a negative one',
    },
    json: { type: 'boolean', help: 'print one JSON object per input, one per line (JSON Lines)' },
  },
  exitStatus:
    '0 when every input is known, 1 when any is not (a fallback is still printed), 2 on a usage error or an input longer than the limit.',
  examples: [
    'mtproto-errors explain FLOOD_WAIT_30',
    'mtproto-errors explain 400 PHONE_NUMBER_INVALID',
    'mtproto-errors explain "FLOOD_WAIT_%d" --json',
    "grep -o '[A-Z_0-9]*_INVALID' app.log | mtproto-errors explain -",
  ],
  async run({ positionals, values }: ParsedArgs, context: CliContext) {
    const code = typeof values.code === 'string' ? parseCode(values.code) : undefined
    const run = new ExplainRun(context, code, values.json === true)
    for (const input of groupInputs(positionals)) {
      if (input === '-') {
        await readLinesBounded(
          context.stdin,
          CLI_LIMITS.maxExplainInputChars,
          (line) => run.one(line),
          (lineNumber) => run.refuse(`line ${lineNumber} of standard input`),
        )
      } else run.one(input)
    }
  },
}
