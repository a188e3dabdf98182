import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/**
 * One TL constructor or method, in the JSON shape mtcute ships (`@mtcute/core/tl/api-schema.json`):
 * argument names in snake_case, `Vector<T>` reduced to `T` plus a modifier.
 */
export interface TlEntry {
  kind: 'class' | 'method'
  /** Full TL name, e.g. `messages.sendMessage`, `user`. */
  name: string
  /** Constructor id as an unsigned 32-bit number. */
  id: number
  /** Result type (for methods) or the boxed type the constructor belongs to. */
  type: string
  typeModifiers?: TlTypeModifiers
  arguments: TlArgument[]
}

/** One field of a {@link TlEntry}. */
export interface TlArgument {
  name: string
  /** `#` for a flags field, `true`, a primitive, `!X`, or a (possibly namespaced) type name. */
  type: string
  typeModifiers?: TlTypeModifiers
}

/** How a type is wrapped: under a flag, in a (bare) vector, or bare. */
export interface TlTypeModifiers {
  /** `flags.3`, `flags2.0`: the field is present only when that bit is set. */
  predicate?: string
  isVector?: boolean
  isBareVector?: boolean
  isBareType?: boolean
}

/** A whole API schema at one layer. */
export interface TlSchema {
  layer: number
  entries: TlEntry[]
}

// createRequire keeps the multi-megabyte schemas out of any bundle: they are read from the
// installed client packages at run time. Never `typeof require`: in the ESM build the bundler
// swaps `require` for a shim that exists but throws, so that test would pick the shim. The CJS
// build gets `import.meta.url` rewritten to this file's own URL, so one line serves both formats.
const load: NodeJS.Require = createRequire(import.meta.url)

let mtcuteSchema: TlSchema | undefined
let gramjsSchema: TlSchema | null | undefined

/** mtcute's API schema (layer 227 for mtcute 0.30), as shipped in `@mtcute/core`. */
export function mtcuteApiSchema(): TlSchema {
  mtcuteSchema ??= (() => {
    const json = load('@mtcute/core/tl/api-schema.json') as { l: number; e: TlEntry[] }
    return { layer: json.l, entries: json.e }
  })()
  return mtcuteSchema
}

/**
 * GramJS's API schema (layer 198 for GramJS 2.26), parsed from the TL text it ships, or null when
 * the `telegram` package is not installed (the cluster then speaks mtcute's layer only).
 */
export function gramjsApiSchema(): TlSchema | null {
  if (gramjsSchema === undefined) {
    try {
      const text = load('telegram/tl/apiTl.js') as string
      // Read the layer from the source: requiring AllTLObjects would build all of GramJS's classes.
      const source = readFileSync(load.resolve('telegram/tl/AllTLObjects.js'), 'utf8')
      const layer = Number(/LAYER = (\d+)/.exec(source)?.[1])
      gramjsSchema = Number.isInteger(layer) ? { layer, entries: parseTlText(text) } : null
    } catch {
      gramjsSchema = null
    }
  }
  return gramjsSchema
}

/** Parses TL schema text (`name#id field:type ... = Type;` lines) into {@link TlEntry} values. */
export function parseTlText(text: string): TlEntry[] {
  const entries: TlEntry[] = []
  let kind: TlEntry['kind'] = 'class'
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\/\/.*$/, '').trim()
    if (line === '') continue
    if (line === '---functions---') kind = 'method'
    else if (line === '---types---') kind = 'class'
    else {
      const entry = parseTlLine(line, kind)
      if (entry) entries.push(entry)
    }
  }
  return entries
}

const LINE = /^([\w.]+)#([0-9a-f]{1,8})\s+(.*?)\s*=\s*([\w.<>]+);$/

function parseTlLine(line: string, kind: TlEntry['kind']): TlEntry | undefined {
  const match = LINE.exec(line)
  // Lines without an explicit id are built-ins (vector) we do not need to describe.
  if (!match) return undefined
  const [, name, hexId, argsText, resultType] = match as unknown as [string, string, string, string, string]
  const args: TlArgument[] = []
  for (const token of argsText.split(/\s+/)) {
    // `{X:Type}` declares a generic parameter, not a field.
    if (token === '' || token.startsWith('{')) continue
    const colon = token.indexOf(':')
    if (colon < 0) continue
    args.push(parseArgument(token.slice(0, colon), token.slice(colon + 1)))
  }
  const result = unwrapType(resultType)
  const entry: TlEntry = { kind, name, id: Number.parseInt(hexId, 16), type: result.type, arguments: args }
  if (result.typeModifiers) entry.typeModifiers = result.typeModifiers
  return entry
}

function parseArgument(name: string, typeText: string): TlArgument {
  const flag = /^(\w+\.\d+)\?(.+)$/.exec(typeText)
  const unwrapped = unwrapType(flag ? flag[2]! : typeText)
  const modifiers: TlTypeModifiers = { ...unwrapped.typeModifiers }
  if (flag) modifiers.predicate = flag[1]!
  const arg: TlArgument = { name, type: unwrapped.type }
  if (Object.keys(modifiers).length > 0) arg.typeModifiers = modifiers
  return arg
}

function unwrapType(typeText: string): { type: string; typeModifiers?: TlTypeModifiers } {
  const vector = /^([Vv])ector<(.+)>$/.exec(typeText)
  if (vector) {
    const inner = unwrapType(vector[2]!)
    return {
      type: inner.type,
      typeModifiers: {
        ...(vector[1] === 'V' ? { isVector: true } : { isBareVector: true }),
        ...inner.typeModifiers,
      },
    }
  }
  if (typeText.startsWith('%')) return { type: typeText.slice(1), typeModifiers: { isBareType: true } }
  return { type: typeText }
}
