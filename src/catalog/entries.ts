import { actionTable, findAction, type IndexedAction } from './actions.js'
import { ENTRY_ROWS } from './entries.generated.js'
import type { CatalogEntry, ParamInfo } from './types.js'

const cache = new Map<number, CatalogEntry>()
let all: readonly CatalogEntry[] | undefined

function decodeParams(text: string): readonly ParamInfo[] {
  if (text === '') return Object.freeze([])
  return Object.freeze(
    text.split('\n').map((line) => {
      const [name = '', unit = '', meaning = ''] = line.split('|')
      return Object.freeze(unit ? { name, unit, meaning } : { name, meaning })
    }),
  )
}

function build({ action, row }: IndexedAction): CatalogEntry {
  let entry = cache.get(row)
  if (entry !== undefined) return entry
  const [, description = '', userMessage = '', params = '', methods = ''] = ENTRY_ROWS[row] ?? []
  const anyMethod = methods === '*'
  entry = Object.freeze({
    ...action,
    params: decodeParams(params),
    description,
    ...(userMessage ? { userMessage } : {}),
    methods: Object.freeze(anyMethod || methods === '' ? [] : methods.split(' ')),
    ...(anyMethod ? { anyMethod } : {}),
  })
  cache.set(row, entry)
  return entry
}

/**
 * The catalogue entry for a template (`FLOOD_WAIT_%d`), a plain type (`PHONE_NUMBER_INVALID`) or a
 * concrete type (`FLOOD_WAIT_30`, resolved through its template). `undefined` when unknown; use
 * `explain()` for an answer that is never `undefined`. Entries are frozen and shared.
 */
export function lookup(templateOrType: string): CatalogEntry | undefined {
  const found = findAction(templateOrType)
  return found === undefined ? undefined : build(found)
}

/** Every entry of the catalogue, sorted by name. The array and its entries are frozen. */
export function catalogEntries(): readonly CatalogEntry[] {
  if (all === undefined) all = Object.freeze([...actionTable().values()].map(build))
  return all
}
