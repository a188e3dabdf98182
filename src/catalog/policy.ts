import { matchTemplate } from '../error/match-template.js'
import { POLICY_ROWS } from './policy.generated.js'
import type { CatalogPolicy, FloodScope, RecommendedAction } from './types.js'

/** A decoded policy row and its position, which is also its row in the prose table. */
export interface IndexedPolicy {
  readonly policy: CatalogPolicy
  readonly row: number
}

let table: Map<string, IndexedPolicy> | undefined

function decode(line: string): CatalogPolicy {
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
export function policyTable(): ReadonlyMap<string, IndexedPolicy> {
  if (table === undefined) {
    table = new Map()
    for (let row = 0; row < POLICY_ROWS.length; row++) {
      const policy = decode(POLICY_ROWS[row] as string)
      table.set(policy.name, { policy, row })
    }
  }
  return table
}

/** The catalogue's policy row for a template, or for a concrete type through its template. */
export function findPolicy(templateOrType: string): IndexedPolicy | undefined {
  const found = policyTable().get(templateOrType)
  if (found !== undefined || templateOrType.includes('%d')) return found
  return policyTable().get(matchTemplate(templateOrType).template)
}

/**
 * What to do about an error type, without any prose: codes, recommended action, flood scope and
 * input field. Accepts a template (`FLOOD_WAIT_%d`) or a concrete type (`FLOOD_WAIT_30`); returns
 * `undefined` for types the catalogue does not know. This is the entry point for recovery code,
 * which should not pay for descriptions.
 */
export function policyOf(templateOrType: string): CatalogPolicy | undefined {
  return findPolicy(templateOrType)?.policy
}
