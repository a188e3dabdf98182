import type { CommandSpec, OptionSpec } from './command.js'

/** The narrowest and widest text `--help` lays out, whatever the terminal says. */
const MIN_WIDTH = 40
const MAX_WIDTH = 100
/** Without a terminal (a pipe, a test), the width help is laid out for. */
export const DEFAULT_HELP_WIDTH = 80

/** The width to lay help out at, from the terminal's columns when known. */
export function helpWidth(columns: number | undefined): number {
  if (columns === undefined || !Number.isFinite(columns)) return DEFAULT_HELP_WIDTH
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.floor(columns)))
}

/**
 * Breaks one paragraph into lines of at most `width` characters (a word longer than that gets a
 * line of its own), the first after `first` and the others after `rest`. The only place text is
 * wrapped, so nothing is wrapped twice.
 */
export function wrap(paragraph: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = []
  let line = first
  let empty = true
  for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line)
      line = rest + word
    } else line += (empty ? '' : ' ') + word
    empty = false
  }
  lines.push(line)
  return lines
}

/** Two columns: names padded to one width, their text wrapped beside them. */
function table(rows: readonly (readonly [string, string])[], width: number): string[] {
  const nameWidth = Math.min(28, Math.max(...rows.map(([name]) => name.length)))
  const lines: string[] = []
  for (const [name, text] of rows) {
    const indent = ' '.repeat(2 + nameWidth + 3)
    if (name.length > nameWidth) {
      lines.push(`  ${name}`)
      lines.push(...wrap(text, width, indent))
    } else lines.push(...wrap(text, width, `  ${name.padEnd(nameWidth)}   `, indent))
  }
  return lines
}

function optionName(name: string, option: OptionSpec): string {
  const short = option.short === undefined ? '' : `-${option.short}, `
  const value = option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : ''
  return `${short}--${name}${value}`
}

function optionText(option: OptionSpec): string {
  return option.default === undefined ? option.help : `${option.help} (default: ${option.default})`
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' }

function examples(lines: readonly string[]): string[] {
  return ['Examples:', ...lines.map((line) => `  $ ${line}`)]
}

/** `mtproto-errors <command> --help`. */
export function commandHelp(command: CommandSpec, width: number): string[] {
  const argument = command.argument === undefined ? '' : ` ${command.argument.name}`
  const lines = [...wrap(`Usage: mtproto-errors ${command.name} [options]${argument}`, width, '', '  '), '']
  for (const paragraph of command.description) lines.push(...wrap(paragraph, width), '')
  if (command.argument !== undefined) {
    lines.push('Arguments:', ...table([[command.argument.name, command.argument.help]], width), '')
  }
  const options = Object.entries({ ...command.options, help: HELP_OPTION })
  lines.push(
    'Options:',
    ...table(
      options.map(([name, o]) => [optionName(name, o), optionText(o)]),
      width,
    ),
    '',
  )
  lines.push(...wrap(`Exit status: ${command.exitStatus}`, width), '', ...examples(command.examples))
  return lines
}

/** `mtproto-errors --help`. */
export function programHelp(commands: readonly CommandSpec[], width: number): string[] {
  const rows = commands.map(
    (c) => [`${c.name}${c.argument ? ` ${c.argument.name}` : ''}`, c.summary] as const,
  )
  return [
    'Usage: mtproto-errors <command> [options]',
    '',
    ...wrap('Explain Telegram API (MTProto) errors: what they mean and what to do about them.', width),
    '',
    'Commands:',
    ...table(rows, width),
    '',
    'Options:',
    ...table(
      [
        ['-h, --help', 'show this help; after a command, that command’s help'],
        ['-v, --version', 'print the version'],
      ],
      width,
    ),
    '',
    ...wrap('Exit status: 0 ok, 1 unknown input or nothing matched, 2 usage error.', width),
    ...wrap('Colour is used only on a terminal, and never when NO_COLOR is set.', width),
    '',
    ...examples([
      'mtproto-errors explain FLOOD_WAIT_30',
      'mtproto-errors list --code 420',
      'mtproto-errors decode 6cfeffff',
      'mtproto-errors serve --dcs 3',
      'mtproto-errors explain --help',
    ]),
  ]
}
