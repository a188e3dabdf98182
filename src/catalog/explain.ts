import { categoryOf } from '../error/category.js'
import { lookup } from './entries.js'
import { fallbackFor, guessCode } from './fallback.js'
import { fillPlaceholders } from './fill.js'
import { userMessageOf } from './locale.js'
import { type ResolvedInput, resolveInput } from './resolve-input.js'
import type { Explanation } from './types.js'

function known(resolved: ResolvedInput, codeArg: number | undefined): Explanation | undefined {
  const entry = resolved.template === undefined ? undefined : lookup(resolved.template)
  if (entry === undefined) return undefined
  const code = codeArg ?? resolved.code ?? (entry.codes[0] as number)
  const values = resolved.values
  return Object.freeze({
    ...entry,
    userMessage: userMessageOf({ ...resolved, code }, 'en'),
    known: true,
    category: categoryOf(code),
    code,
    type: resolved.type === entry.name && entry.params.length > 0 ? undefined : resolved.type,
    values,
    summary: fillPlaceholders(entry.description, values),
  })
}

function unknown(resolved: ResolvedInput, codeArg: number | undefined): Explanation {
  const code = codeArg ?? resolved.code ?? guessCode(resolved.type)
  const fallback = fallbackFor(resolved.type, code)
  const values = Object.keys(resolved.values).length > 0 ? resolved.values : fallback.values
  const name = resolved.type ?? resolved.text ?? ''
  const guessed = codeArg === undefined && resolved.code === undefined
  const description = guessed
    ? `${fallback.description} (Code ${code} assumed: none was given.)`
    : fallback.description
  return Object.freeze({
    name,
    codes: Object.freeze([code]),
    params: fallback.params,
    description,
    action: fallback.action,
    ...(fallback.field === undefined ? {} : { field: fallback.field }),
    userMessage: userMessageOf({ ...resolved, code }, 'en'),
    methods: Object.freeze([]),
    known: false,
    category: categoryOf(code),
    code,
    type: resolved.type,
    values,
    summary: fillPlaceholders(description, values),
  })
}

/**
 * Everything the catalogue knows about an error: pass a template (`FLOOD_WAIT_%d`), a concrete
 * type or message (`FLOOD_WAIT_30`, `420 FLOOD_WAIT_30`, `FILE_PART_7_MISSING`), or an error
 * object (`RpcError`, a TL `rpc_error`, a GramJS or mtcute error). `code` overrides the code of the
 * input. The parameters are filled in (`values`, `summary`, `userMessage`).
 *
 * Never returns `undefined` and never throws: an unknown type gets a fallback built from its
 * category and the `<FIELD>_INVALID` pattern, marked `known: false`.
 */
export function explain(errorOrName: unknown, code?: number): Explanation {
  let resolved: ResolvedInput
  try {
    resolved = resolveInput(errorOrName, code)
  } catch {
    resolved = { code, type: undefined, template: undefined, values: {}, text: undefined }
  }
  return known(resolved, code) ?? unknown(resolved, code)
}
