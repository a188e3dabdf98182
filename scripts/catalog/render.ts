import type { DataEntry } from './catalog-data.js'

const BANNER = '// Generated from data/errors.yaml by scripts/generate-catalog.ts. Do not edit by hand.\n'

/** The generated files, by path relative to the repository root. */
export type GeneratedFiles = Readonly<Record<string, string>>

const IDENTIFIER_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/

function propertyKey(name: string): string {
  return IDENTIFIER_RE.test(name) ? name : `'${name}'`
}

function str(text: string): string {
  return JSON.stringify(text)
}

/** The parameter table and the type-level union the core's parser and `RpcError.is()` need. */
function renderTemplates(entries: readonly DataEntry[]): string {
  const parameterised = entries.filter((e) => e.params.length > 0)
  const rows = parameterised.map(
    (e) => `  [${str(e.name)}, [${e.params.map((p) => str(p.name)).join(', ')}]],`,
  )
  const types = entries.map((e) => {
    const fields = e.params.map((p) => `readonly ${p.name}: number`).join('; ')
    return `  ${propertyKey(e.name)}: ${fields ? `{ ${fields} }` : '{}'}`
  })
  return `${BANNER}
/** Every parameterised error template and the names of its numeric parameters, in order. */
export const PARAMETERISED_TEMPLATES: ReadonlyArray<readonly [template: string, params: readonly string[]]> = [
${rows.join('\n')}
]

/**
 * The parameters of every known template, for \`RpcError.is()\` narrowing. Templates without
 * parameters map to an empty object.
 */
export interface TemplateParams {
${types.join('\n')}
}

/** A template the catalogue knows, such as \`'FLOOD_WAIT_%d'\` or \`'PHONE_NUMBER_INVALID'\`. */
export type KnownTemplate = keyof TemplateParams
`
}

/**
 * The light table: what to do about each template, without any prose. One string per entry so
 * the bundle stays small and a diff shows one line per changed entry; decoded on first use.
 */
function renderActions(entries: readonly DataEntry[]): string {
  const rows = entries.map((e) =>
    str([e.name, e.codes.join(','), e.action, e.scope ?? '', e.field ?? ''].join('|')),
  )
  return `${BANNER}
/**
 * One row per catalogue entry: \`name|codes|action|scope|field\`, codes comma-separated with the
 * usual one first, empty scope and field when they do not apply. Sorted by name.
 */
export const ACTION_ROWS: readonly string[] = [
${rows.map((r) => `  ${r},`).join('\n')}
]
`
}

/**
 * The heavy table: prose, parameter meanings and methods. Only `explain()`, `lookup()` and the
 * search import it, so code that only parses or only needs the actions does not pay for it.
 */
function renderEntries(entries: readonly DataEntry[]): string {
  const rows = entries.map((e) => {
    const params = e.params.map((p) => [p.name, p.unit ?? '', p.meaning].join('|')).join('\n')
    const methods = e.anyMethod ? '*' : e.methods.join(' ')
    return `  [${[e.name, e.description, e.userMessage ?? '', params, methods].map(str).join(', ')}],`
  })
  return `${BANNER}
/**
 * One row per catalogue entry, in the order of \`ACTION_ROWS\`: name, description, user message
 * (empty when none), parameters (\`name|unit|meaning\` lines) and methods (space-separated, \`*\`
 * when any call can return it).
 */
export const ENTRY_ROWS: ReadonlyArray<readonly [string, string, string, string, string]> = [
${rows.join('\n')}
]
`
}

/** Every generated file for the given (validated) entries. */
export function renderCatalog(entries: readonly DataEntry[]): GeneratedFiles {
  return {
    'src/error/templates.generated.ts': renderTemplates(entries),
    'src/catalog/actions.generated.ts': renderActions(entries),
    'src/catalog/entries.generated.ts': renderEntries(entries),
  }
}
