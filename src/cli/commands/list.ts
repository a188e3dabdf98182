import type { Command } from 'commander'
import { fillPlaceholders } from '../../catalog/fill.js'
import { type CatalogEntry, searchCatalog } from '../../catalog/index.js'
import { type CliContext, raiseExitCode } from '../context.js'
import { EXIT_CODES } from '../exit-codes.js'
import { parseCode } from './explain.js'

interface ListOptions {
  readonly code?: number
  readonly search?: string
  readonly method?: string
  readonly json?: boolean
}

function line(entry: CatalogEntry, context: CliContext, width: number): string {
  const { style } = context
  const codes = entry.codes.join(',').padEnd(8)
  return `${style.bold(entry.name.padEnd(width))}  ${codes}  ${style.cyan(entry.action.padEnd(22))}  ${fillPlaceholders(entry.description, {})}`
}

/** `list`: the catalogue, filtered. */
export function registerList(program: Command, context: CliContext): void {
  program
    .command('list')
    .summary('list known error types')
    .description(
      'List the catalogue, one entry per line: name, codes, recommended action and description.\n' +
        'With --json, an array of entries, each with name (the template), code, codes and description.\n' +
        'Filters combine; --search matches every word in the name, field, description or user message.\n\n' +
        'Exit status: 0 when something matched, 1 when nothing did, 2 on a usage error.',
    )
    .option('-c, --code <code>', 'only entries seen with this code', parseCode)
    .option('-s, --search <words>', 'only entries whose text contains all these words')
    .option('-m, --method <method>', 'only entries a method is known to return (e.g. messages.sendMessage)')
    .option('--json', 'print a JSON array of entries')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ mtproto-errors list --code 420',
        '  $ mtproto-errors list --search "file reference"',
        '  $ mtproto-errors list --method messages.sendMessage --json',
      ].join('\n'),
    )
    .action((options: ListOptions) => {
      const entries = searchCatalog({
        ...(options.code === undefined ? {} : { code: options.code }),
        ...(options.search === undefined ? {} : { search: options.search }),
        ...(options.method === undefined ? {} : { method: options.method }),
      })
      if (entries.length === 0) raiseExitCode(context, EXIT_CODES.UNKNOWN)
      if (options.json) {
        // `code` (the usual one) beside `codes`, so simple scripts need not pick from the array.
        const rows = entries.map(({ name, ...rest }) => ({ name, code: rest.codes[0], ...rest }))
        context.out(JSON.stringify(rows, null, 2))
        return
      }
      const width = Math.max(0, ...entries.map((e) => e.name.length))
      for (const entry of entries) context.out(line(entry, context, width))
      if (entries.length === 0) context.err('No entry matches.')
    })
}
