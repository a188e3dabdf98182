import { fieldByPattern } from '../catalog/field-pattern.js'
import type { CatalogEntry } from '../catalog/types.js'
import type { RpcError } from '../error/rpc-error.js'
import { builtinFacts, type ErrorFacts } from './builtin-knowledge.js'

/** The part of the catalogue the engine uses: one entry per template. */
export interface CatalogLookup {
  /** The entry of a template (`FLOOD_WAIT_%d`) or plain type name, or `undefined` when unknown. */
  lookup(template: string): CatalogEntry | undefined
}

/** Everything the engine knows about one error: built-in rules merged with the catalogue. */
export interface ErrorKnowledge extends ErrorFacts {
  /** The catalogue's entry, when the catalogue knows the type. */
  readonly entry: CatalogEntry | undefined
}

/**
 * Merges the two sources. Built-in rules win for what drives recovery (`action`, `scope`, delays,
 * dead sessions): they are tested policy. The catalogue wins for what is shown (`field`,
 * `userMessage`): it is the better-worded, longer list. For a 400 neither knows, the field is
 * derived from the type's shape.
 */
export function knowledgeOf(error: RpcError, catalog: CatalogLookup | undefined): ErrorKnowledge {
  const key = error.template ?? error.type
  const facts = builtinFacts(error.template, error.type)
  const entry = key === undefined || catalog === undefined ? undefined : catalog.lookup(key)
  const action = facts?.action ?? entry?.action
  const scope = facts?.scope ?? entry?.scope
  let field = entry?.field ?? facts?.field
  let userMessage = entry?.userMessage ?? facts?.userMessage
  if (error.code === 400 && field === undefined && error.type !== undefined) {
    const derived = fieldFromType(error.type)
    if (derived !== undefined) {
      field = derived.field
      userMessage ??= derived.userMessage
    }
  }
  return {
    entry,
    ...(action !== undefined && { action }),
    ...(scope !== undefined && { scope }),
    ...(field !== undefined && { field }),
    ...(userMessage !== undefined && { userMessage }),
    ...(facts?.retryDelayMs !== undefined && { retryDelayMs: facts.retryDelayMs }),
    ...(facts?.sessionDead !== undefined && { sessionDead: facts.sessionDead }),
    ...(facts?.afterDependency !== undefined && { afterDependency: facts.afterDependency }),
  }
}

const PHRASES: Readonly<Record<string, string>> = {
  INVALID: 'is invalid',
  EMPTY: 'is empty',
  TOO_LONG: 'is too long',
  TOO_SHORT: 'is too short',
  TOO_MUCH: 'has too many items',
  TOO_FEW: 'has too few items',
  REQUIRED: 'is required',
}

/**
 * `ABOUT_TOO_LONG` -> field `about`, "The about is too long." A last resort for 400s nobody
 * described: a form can still point at the right input, even if the wording is plain. The field
 * comes from the catalogue's pattern rule, so both agree on which suffixes name a field.
 */
function fieldFromType(type: string): { field: string; userMessage: string } | undefined {
  const field = fieldByPattern(type)
  if (field === undefined) return undefined
  const suffix = type.slice(field.length + 1)
  return { field, userMessage: `The ${field.replaceAll('_', ' ')} ${PHRASES[suffix] ?? 'is invalid'}.` }
}
