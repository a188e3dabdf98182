import { PARAMETERISED_TEMPLATES } from './templates.generated.js'

/** Named numeric parameters taken from an error type, e.g. `{ seconds: 30 }` for `FLOOD_WAIT_30`. */
export type ErrorParams = Readonly<Record<string, number>>

/** What a type resolves to: the template it matched (or the type itself) and its parameters. */
export interface TemplateMatch {
  readonly template: string
  readonly params: ErrorParams
}

/**
 * One digit run of a template: either a parameter (`%d`) or literal digits that must match exactly,
 * such as the `2` of `2FA_CONFIRM_WAIT_%d`.
 */
type Slot = { readonly param: string } | { readonly literal: string }

interface CompiledTemplate {
  readonly template: string
  readonly slots: readonly Slot[]
}

const EMPTY_PARAMS: ErrorParams = Object.freeze({})

/**
 * Parameter values are the protocol's own decimal numbers. Leading zeros are accepted (`007` is 7).
 * A run too long to be exact as a double (more than 2^53 - 1) becomes `Infinity`, so that a wait
 * or a DC number that cannot be represented is treated as "too large" by every policy rather than
 * silently rounded.
 */
export function parseParamValue(digits: string): number {
  const value = Number(digits)
  return Number.isSafeInteger(value) ? value : Number.POSITIVE_INFINITY
}

/**
 * The key under which a type and a template meet: every maximal run of digits in the type, and
 * every `%d` or run of digits in a template, becomes `#`. Matching is then one map lookup plus a
 * check of the slots, anchored on the whole type: `XFLOOD_WAIT_3` never matches `FLOOD_WAIT_%d`.
 */
function shapeKey(text: string, runs: string[] | undefined): string {
  let key = ''
  let i = 0
  const length = text.length
  while (i < length) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      const start = i
      while (i < length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++
      runs?.push(text.slice(start, i))
      key += '#'
    } else if (c === 37 && text.charCodeAt(i + 1) === 100) {
      runs?.push('%d')
      key += '#'
      i += 2
    } else {
      key += text[i]
      i++
    }
  }
  return key
}

function compile(template: string, paramNames: readonly string[]): CompiledTemplate {
  const runs: string[] = []
  shapeKey(template, runs)
  let next = 0
  const slots = runs.map((run): Slot => {
    if (run !== '%d') return { literal: run }
    const param = paramNames[next++]
    if (param === undefined) throw new Error(`template ${template} has more %d than parameter names`)
    return { param }
  })
  return { template, slots }
}

function buildIndex(
  templates: ReadonlyArray<readonly [string, readonly string[]]>,
): Map<string, CompiledTemplate[]> {
  const index = new Map<string, CompiledTemplate[]>()
  for (const [template, params] of templates) {
    const key = shapeKey(template, undefined)
    const list = index.get(key)
    const compiled = compile(template, params)
    if (list) list.push(compiled)
    else index.set(key, [compiled])
  }
  return index
}

const index = buildIndex(PARAMETERISED_TEMPLATES)

/**
 * Resolved types are remembered because real traffic repeats a small set of types; the cap keeps a
 * stream of distinct, hostile types from growing memory without bound.
 */
const CACHE_LIMIT = 4096
const cache = new Map<string, TemplateMatch>()

function resolve(type: string): TemplateMatch {
  const runs: string[] = []
  const key = shapeKey(type, runs)
  if (runs.length > 0) {
    const candidates = index.get(key)
    if (candidates) {
      for (const candidate of candidates) {
        const params: Record<string, number> = {}
        let ok = true
        for (let s = 0; s < candidate.slots.length; s++) {
          const slot = candidate.slots[s] as Slot
          const run = runs[s] as string
          if ('literal' in slot) {
            if (slot.literal !== run) {
              ok = false
              break
            }
          } else params[slot.param] = parseParamValue(run)
        }
        if (ok) return Object.freeze({ template: candidate.template, params: Object.freeze(params) })
      }
    }
  }
  return Object.freeze({ template: type, params: EMPTY_PARAMS })
}

/**
 * Finds the template a concrete error type belongs to (`FLOOD_WAIT_30` -> `FLOOD_WAIT_%d` with
 * `{ seconds: 30 }`). A type with no parameterised template is its own template, with no parameters.
 * The returned objects are frozen and may be shared between errors.
 */
export function matchTemplate(type: string): TemplateMatch {
  let match = cache.get(type)
  if (match === undefined) {
    match = resolve(type)
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(type, match)
  }
  return match
}
