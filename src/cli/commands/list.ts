import { fillPlaceholders } from '../../catalog/fill.js'
import { type CatalogEntry, searchCatalog } from '../../catalog/index.js'
import type { CommandSpec, ParsedArgs } from '../command.js'
import { type CliContext, raiseExitCode } from '../context.js'
import { EXIT_CODES } from '../exit-codes.js'
import { parseCode } from './explain.js'

function line(entry: CatalogEntry, context: CliContext, width: number): string {
  const { style } = context
  const codes = entry.codes.join(',').padEnd(8)
  return `${style.bold(entry.name.padEnd(width))}  ${codes}  ${style.cyan(entry.action.padEnd(22))}  ${fillPlaceholders(entry.description, {})}`
}

function text(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** `list`: the catalogue, filtered. */
export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'list known error types',
  description: [
    'List the catalogue, one entry per line: name, codes, recommended action and description. With --json, an array of entries, each with name (the template), code, codes and description.',
    'Filters combine; --search matches every word in the name, field, description or user message.',
  ],
  options: {
    code: { type: 'string', short: 'c', valueName: 'code', help: 'only entries seen with this code' },
    search: {
      type: 'string',
      short: 's',
      valueName: 'words',
      help: 'only entries whose text contains all these words',
    },
    method: {
      type: 'string',
      short: 'm',
      valueName: 'method',
      help: 'only entries a method is known to return (e.g. messages.sendMessage)',
    },
    json: { type: 'boolean', help: 'print a JSON array of entries' },
  },
  exitStatus: '0 when something matched, 1 when nothing did, 2 on a usage error.',
  examples: [
    'mtproto-errors list --code 420',
    'mtproto-errors list --search "file reference"',
    'mtproto-errors list --method messages.sendMessage --json',
  ],
  run({ values }: ParsedArgs, context: CliContext) {
    const code = text(values.code)
    const search = text(values.search)
    const method = text(values.method)
    const entries = searchCatalog({
      ...(code !== undefined && { code: parseCode(code) }),
      ...(search !== undefined && { search }),
      ...(method !== undefined && { method }),
    })
    if (entries.length === 0) raiseExitCode(context, EXIT_CODES.UNKNOWN)
    if (values.json === true) {
      // `code` (the usual one) beside `codes`, so simple scripts need not pick from the array.
      const rows = entries.map(({ name, ...rest }) => ({ name, code: rest.codes[0], ...rest }))
      context.out(JSON.stringify(rows, null, 2))
      return
    }
    const width = Math.max(0, ...entries.map((e) => e.name.length))
    for (const entry of entries) context.out(line(entry, context, width))
    if (entries.length === 0) context.err('No entry matches.')
  },
}
