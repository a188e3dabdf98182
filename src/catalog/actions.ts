import { matchTemplate } from '../error/match-template.js'
import { ACTION_ROWS } from './actions.generated.js'
import type { CatalogAction, FloodScope, RecommendedAction } from './types.js'

/** A decoded action row and its position, which is also its row in the prose table. */
export interface IndexedAction {
  readonly action: CatalogAction
  readonly row: number
}

let table: Map<string, IndexedAction> | undefined

function decode(line: string): CatalogAction {
  const [name = '', codes = '', action = '', scope = '', field = ''] = line.split('|')
  return Object.freeze({
    name,
    codes: Object.freeze(codes.split(',').map(Number)),
    action: action as RecommendedAction,
    ...(scope ? { scope: scope as FloodScope } : {}),
    ...(field ? { field } : {}),
  })
}

/**
 * The table is decoded on first use, not at import: a module-level `new Map(...)` would be a side
 * effect that bundlers must keep, defeating tree-shaking for users who never look anything up.
 */
export function actionTable(): ReadonlyMap<string, IndexedAction> {
  if (table === undefined) {
    table = new Map()
    for (let row = 0; row < ACTION_ROWS.length; row++) {
      const action = decode(ACTION_ROWS[row] as string)
      table.set(action.name, { action, row })
    }
  }
  return table
}

/** The catalogue's action row for a template, or for a concrete type through its template. */
export function findAction(templateOrType: string): IndexedAction | undefined {
  const found = actionTable().get(templateOrType)
  if (found !== undefined || templateOrType.includes('%d')) return found
  return actionTable().get(matchTemplate(templateOrType).template)
}

/**
 * What to do about an error type, without any prose: codes, recommended action, flood scope and
 * input field. Accepts a template (`FLOOD_WAIT_%d`) or a concrete type (`FLOOD_WAIT_30`); returns
 * `undefined` for types the catalogue does not know. This is the entry point for recovery code,
 * which should not pay for descriptions.
 */
export function actionOf(templateOrType: string): CatalogAction | undefined {
  return findAction(templateOrType)?.action
}
