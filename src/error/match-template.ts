import { PARAMETERISED_TEMPLATES } from './templates.generated.js'

/** Named numeric parameters taken from an error type, e.g. `{ seconds: 30 }` for `FLOOD_WAIT_30`. */
export type ErrorParams = Readonly<Record<string, number>>

/** What a type resolves to: the template it matched (or the type itself) and its parameters. */
export interface TemplateMatch {
  readonly template: string
  readonly params: ErrorParams
}

/** A template cut at its `%d`s: literal text and parameter names, alternating, starting with text. */
interface CompiledTemplate {
  readonly template: string
  /** `texts[i]` precedes `names[i]`; the last text follows the last parameter. */
  readonly texts: readonly string[]
  readonly names: readonly string[]
}

const EMPTY_PARAMS: ErrorParams = Object.freeze({})

/**
 * Parameter values are the protocol's own decimal numbers. Leading zeros are accepted (`007` is 7).
 * A number too large to be exact as a double (above 2^53 - 1) becomes `Infinity`, so that a wait or
 * a DC number that cannot be represented is treated as "too large" by every policy rather than
 * silently rounded.
 */
export function parseParamValue(digits: string): number {
  const value = Number(digits)
  return Number.isSafeInteger(value) ? value : Number.POSITIVE_INFINITY
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** Position of the first ASCII digit, or -1. */
function firstDigitIndex(text: string): number {
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i))) return i
  return -1
}

function compile(template: string, names: readonly string[]): CompiledTemplate {
  const texts = template.split('%d')
  if (texts.length - 1 !== names.length) {
    throw new Error(`template ${template} has ${texts.length - 1} %d but ${names.length} parameter names`)
  }
  for (const text of texts.slice(1)) {
    // A parameter is a maximal run of digits, so the text after it must not start with one.
    if (isDigit(text.charCodeAt(0))) throw new Error(`template ${template} has a digit right after %d`)
  }
  return { template, texts, names }
}

/**
 * Templates grouped by the position of their first digit (literal or `%d`). A concrete type is
 * looked up by the position of its first digit, a plain array index: no string is cut or hashed,
 * and the few candidates at that position are told apart by their leading text.
 */
function buildIndex(templates: ReadonlyArray<readonly [string, readonly string[]]>): CompiledTemplate[][] {
  const byCut: CompiledTemplate[][] = []
  for (const [template, names] of templates) {
    const percent = template.indexOf('%d')
    const digit = firstDigitIndex(template)
    const cut = digit === -1 ? percent : Math.min(percent, digit)
    const compiled = compile(template, names)
    const list = byCut[cut]
    if (list) list.push(compiled)
    else byCut[cut] = [compiled]
  }
  return byCut
}

const byCut = buildIndex(PARAMETERISED_TEMPLATES)

/**
 * Walks one candidate over the whole type: literal texts must match exactly and each parameter must
 * be a maximal digit run. Anchored at both ends, so `XFLOOD_WAIT_3` or `FLOOD_WAIT_3X` never match.
 */
function tryCandidate(candidate: CompiledTemplate, type: string): ErrorParams | undefined {
  const { texts, names } = candidate
  let position = 0
  let params: Record<string, number> | undefined
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] as string
    if (!type.startsWith(text, position)) return undefined
    position += text.length
    if (i === names.length) break
    const start = position
    let value = 0
    while (position < type.length) {
      const c = type.charCodeAt(position)
      if (!isDigit(c)) break
      value = value * 10 + (c - 48)
      position++
    }
    if (position === start) return undefined
    params ??= {}
    params[names[i] as string] = value <= Number.MAX_SAFE_INTEGER ? value : Number.POSITIVE_INFINITY
  }
  return position === type.length ? (params ?? EMPTY_PARAMS) : undefined
}

/**
 * Finds the template a concrete error type belongs to (`FLOOD_WAIT_30` -> `FLOOD_WAIT_%d` with
 * `{ seconds: 30 }`). A type with no parameterised template is its own template, with no parameters.
 * No cache is needed: a type without digits (most of them) costs one scan, and one with digits an
 * array lookup and a comparison or two.
 */
export function matchTemplate(type: string): TemplateMatch {
  const digit = firstDigitIndex(type)
  if (digit !== -1) {
    const candidates = byCut[digit]
    if (candidates !== undefined) {
      for (const candidate of candidates) {
        const params = tryCandidate(candidate, type)
        if (params !== undefined) return { template: candidate.template, params }
      }
    }
  }
  return { template: type, params: EMPTY_PARAMS }
}
