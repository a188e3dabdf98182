import { parse } from 'yaml'
import type { FloodScope, RecommendedAction } from '../../src/catalog/types.js'

/** One parameter of a template, as written in the data file. */
export interface DataParam {
  readonly name: string
  readonly unit: string | undefined
  readonly meaning: string
}

/** One entry of `data/errors.yaml`, validated. */
export interface DataEntry {
  readonly name: string
  readonly codes: readonly number[]
  readonly params: readonly DataParam[]
  readonly action: RecommendedAction
  readonly scope: FloodScope | undefined
  readonly field: string | undefined
  readonly description: string
  readonly userMessage: string | undefined
  readonly methods: readonly string[]
  readonly anyMethod: boolean
  readonly sources: readonly string[]
  /** Set when the text was filled in by rule, not written for the entry. */
  readonly ruleProse: boolean
}

export const ACTIONS: readonly RecommendedAction[] = [
  'wait',
  'wait-or-pay',
  'migrate',
  'reauthorize',
  'login-step',
  'fix-input',
  'refresh-file-reference',
  'reupload-file-part',
  'retry',
  'do-not-retry',
  'report',
]

export const SCOPES: readonly FloodScope[] = ['account', 'peer', 'phone', 'method']

/** Codes the protocol and the public tables use; anything else is most likely a typo. */
const KNOWN_CODES = new Set([303, 400, 401, 403, 404, 406, 420, 500, -500, -503])
const UNITS = new Set(['seconds', 'minutes', 'unix-time', 'dc', 'part', 'index', 'stars', 'count', 'id'])
const KEYS = new Set([
  'codes',
  'params',
  'action',
  'scope',
  'field',
  'description',
  'userMessage',
  'methods',
  'anyMethod',
  'sources',
  'prose',
  'note',
])
const SOURCES = new Set(['core', 'mtcute', 'telethon', 'pyrogram', 'gramjs', 'tdlib', 'ours'])

/** `%d` marks a parameter; literal digits are allowed (`2FA_CONFIRM_WAIT_%d`, `AUTH_TOKEN_INVALID2`). */
const NAME_RE = /^(?:[A-Z0-9_]|%d)+$/
const FIELD_RE = /^[a-z][a-z0-9_]*$/
const PARAM_RE = /^[a-z][A-Za-z]*$/
const METHOD_RE = /^[a-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/
const PLACEHOLDER_RE = /\{([^}]*)\}/g

/** Thrown with every problem found, so one run of the generator reports them all. */
export class CatalogDataError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`data/errors.yaml has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`)
    this.name = 'CatalogDataError'
  }
}

type Bag = Record<string, unknown>

function isBag(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isOneLine(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && !/[\r\n]/.test(value)
}

/** The key under which `matchTemplate` files a type: every digit run and every `%d` become `#`. */
export function shapeOf(name: string): string {
  return name.replace(/%d|[0-9]+/g, '#')
}

function checkParams(name: string, raw: unknown, problems: string[]): DataParam[] {
  const expected = name.split('%d').length - 1
  if (raw === undefined) {
    if (expected > 0) problems.push(`${name}: has ${expected} %d but no params`)
    return []
  }
  if (!isBag(raw)) {
    problems.push(`${name}: params must be a mapping of name -> { unit, meaning }`)
    return []
  }
  const params: DataParam[] = []
  for (const [param, info] of Object.entries(raw)) {
    if (!PARAM_RE.test(param)) problems.push(`${name}: parameter name ${param} is not camelCase`)
    if (!isBag(info) || !isOneLine(info.meaning)) {
      problems.push(`${name}: parameter ${param} needs a one-line meaning`)
      continue
    }
    const unit = info.unit
    if (unit !== undefined && (typeof unit !== 'string' || !UNITS.has(unit))) {
      problems.push(`${name}: parameter ${param} has unknown unit ${String(unit)}`)
    }
    params.push({ name: param, unit: typeof unit === 'string' ? unit : undefined, meaning: info.meaning })
  }
  if (params.length !== expected) {
    problems.push(`${name}: ${expected} %d in the name but ${params.length} params`)
  }
  return params
}

function checkEntry(name: string, raw: unknown, problems: string[]): DataEntry | undefined {
  const before = problems.length
  const fail = (text: string) => problems.push(`${name}: ${text}`)
  if (!NAME_RE.test(name) || name.includes('%d%d')) fail('name must be A-Z, 0-9, _ and %d')
  if (!isBag(raw)) {
    fail('must be a mapping')
    return undefined
  }
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) fail(`unknown key ${key}`)

  const codes = raw.codes
  if (!Array.isArray(codes) || codes.length === 0) fail('codes must be a non-empty list')
  else {
    for (const code of codes) if (!KNOWN_CODES.has(code as number)) fail(`unknown code ${String(code)}`)
    if (new Set(codes).size !== codes.length) fail('codes repeat')
  }
  const codeList = Array.isArray(codes) ? (codes as number[]) : []
  const params = checkParams(name, raw.params, problems)

  const action = raw.action as RecommendedAction
  if (!ACTIONS.includes(action)) fail(`action must be one of ${ACTIONS.join(', ')}`)

  const scope = raw.scope as FloodScope | undefined
  const isWait = action === 'wait' || action === 'wait-or-pay'
  if (scope !== undefined) {
    if (!SCOPES.includes(scope)) fail(`scope must be one of ${SCOPES.join(', ')}`)
    if (!codeList.includes(420)) fail('scope is only for flood-type (420) errors')
  } else if (isWait && codeList.includes(420)) fail('a 420 wait needs a scope')
  if (isWait && !params.some((p) => p.name === 'seconds')) fail('a wait needs a seconds parameter')
  if (action === 'migrate' && !params.some((p) => p.name === 'dcId')) fail('a migrate needs a dcId parameter')

  const field = raw.field
  const userMessage = raw.userMessage
  if (field !== undefined && (typeof field !== 'string' || !FIELD_RE.test(field)))
    fail('field must be snake_case')
  if (userMessage !== undefined && !isOneLine(userMessage)) fail('userMessage must be one line')
  if (action === 'fix-input' && (field === undefined || userMessage === undefined)) {
    fail('an input error (fix-input) needs a field and a userMessage')
  }

  const description = raw.description
  if (!isOneLine(description)) fail('description must be one non-empty line')
  const names = new Set(params.map((p) => p.name))
  for (const text of [description, userMessage]) {
    if (typeof text !== 'string') continue
    for (const [, placeholder] of text.matchAll(PLACEHOLDER_RE)) {
      if (!names.has(placeholder as string)) fail(`{${placeholder}} is not a parameter`)
    }
  }

  const anyMethod = raw.anyMethod === true
  if (raw.anyMethod !== undefined && typeof raw.anyMethod !== 'boolean')
    fail('anyMethod must be true or absent')
  const methods = raw.methods ?? []
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string' || !METHOD_RE.test(m))) {
    fail('methods must be a list of method names')
  } else {
    const sorted = [...methods].sort()
    if (sorted.some((m, i) => m !== methods[i] || m === sorted[i - 1]))
      fail('methods must be sorted and unique')
    if (anyMethod && methods.length > 0) fail('anyMethod and methods exclude each other')
  }
  const sources = raw.sources ?? []
  if (!Array.isArray(sources) || sources.some((s) => !SOURCES.has(s as string))) {
    fail(`sources must be a list of ${[...SOURCES].join(', ')}`)
  }
  if (raw.prose !== undefined && raw.prose !== 'rule') fail('prose may only be "rule"')
  if (raw.note !== undefined && !isOneLine(raw.note)) fail('note must be one line')

  if (problems.length > before) return undefined
  return {
    name,
    codes: codeList,
    params,
    action,
    scope,
    field: field as string | undefined,
    description: description as string,
    userMessage: userMessage as string | undefined,
    methods: methods as string[],
    anyMethod,
    sources: sources as string[],
    ruleProse: raw.prose === 'rule',
  }
}

/**
 * Parses and validates the text of `data/errors.yaml`. Throws {@link CatalogDataError} listing
 * every problem; returns the entries in file order (which is checked to be sorted by name).
 */
export function parseCatalogData(text: string): DataEntry[] {
  const problems: string[] = []
  let doc: unknown
  try {
    // uniqueKeys (the default) turns a duplicated entry into a parse error.
    doc = parse(text, { uniqueKeys: true })
  } catch (error) {
    throw new CatalogDataError([(error as Error).message])
  }
  if (!isBag(doc)) throw new CatalogDataError(['the file must be a mapping of name -> entry'])
  const names = Object.keys(doc)
  const entries: DataEntry[] = []
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    const previous = names[i - 1]
    if (previous !== undefined && previous >= name)
      problems.push(`${name}: not sorted (comes after ${previous})`)
    const entry = checkEntry(name, doc[name], problems)
    if (entry) entries.push(entry)
  }
  // A plain name with digits that has the shape of a template would be swallowed by the template
  // in matchTemplate, so it could never be explained as itself.
  const templateShapes = new Map<string, string>()
  for (const e of entries) if (e.params.length > 0) templateShapes.set(shapeOf(e.name), e.name)
  for (const e of entries) {
    if (e.params.length > 0 || !/[0-9]/.test(e.name)) continue
    const template = templateShapes.get(shapeOf(e.name))
    if (template) problems.push(`${e.name}: has the shape of template ${template}`)
  }
  if (problems.length > 0) throw new CatalogDataError(problems)
  return entries
}
