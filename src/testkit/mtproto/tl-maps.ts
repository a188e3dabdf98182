import type { TlBinaryReader, TlBinaryWriter, TlReaderMap, TlWriterMap } from '@mtcute/tl-runtime'
import Long from 'long'
import type { TlArgument, TlEntry } from './tl-schema.js'

/**
 * Builds reader and writer maps for mtcute's TL runtime from a schema.
 *
 * mtcute ships compiled maps for its own layer, but only for what a client needs: readers for
 * types, writers for types and methods. A server also reads methods, and GramJS speaks an older
 * layer. These maps fill both gaps with the same object shape mtcute uses (`{ _: name, camelCase
 * fields }`, `long` as `Long`, `int53` as number, bytes as Uint8Array), so one runtime serves all.
 */

/** The subset of reader/writer/counter methods the generated code calls. */
type Reader = TlBinaryReader
type Writer = Pick<
  TlBinaryWriter,
  | 'int'
  | 'uint'
  | 'int53'
  | 'long'
  | 'double'
  | 'boolean'
  | 'bytes'
  | 'string'
  | 'int128'
  | 'int256'
  | 'object'
> & { vector(fn: (item: unknown) => void, items: unknown[], bare?: boolean): void }
type Fields = Record<string, unknown>

type ReadValue = (r: Reader) => unknown
type WriteValue = (w: Writer, value: unknown) => void

/**
 * Reader map (by constructor id) for the given entries, or for those `include` accepts (the others
 * still resolve bare types).
 */
export function buildReaderMap(
  entries: readonly TlEntry[],
  include: (entry: TlEntry) => boolean = () => true,
): TlReaderMap {
  const compiler = new MapCompiler(entries)
  const map: TlReaderMap = {}
  for (const entry of entries) if (include(entry)) map[entry.id] = compiler.bodyReader(entry)
  return map
}

/** Writer map (by TL name) for the given entries, in the shape `TlBinaryWriter` expects. */
export function buildWriterMap(entries: readonly TlEntry[]): TlWriterMap {
  const compiler = new MapCompiler(entries)
  const writers: Record<string, (w: Writer, value: Fields) => void> = {}
  for (const entry of entries) {
    const writeBody = compiler.bodyWriter(entry)
    writers[entry.name] = (w, value) => {
      w.uint(entry.id)
      writeBody(w, value)
    }
  }
  // No precomputed sizes: TlBinaryWriter then counts each object before writing it.
  return Object.assign(writers, { _staticSize: {} }) as unknown as TlWriterMap
}

/** snake_case to the camelCase mtcute uses for field names (`srp_B` -> `srpB`). */
export function camelCase(name: string): string {
  return name.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** Accepts the number, bigint or Long a world may use for a TL `long`. */
export function toLong(value: unknown): Long {
  if (Long.isLong(value)) return value
  if (typeof value === 'bigint') return Long.fromBigInt(value)
  if (typeof value === 'number' || typeof value === 'string') return Long.fromValue(value)
  throw new TypeError(`expected a long, got ${typeof value}`)
}

/** A TL `long` as the bigint the server keeps ids in, from the `Long` mtcute's readers give (or a bigint). */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (Long.isLong(value)) return BigInt(value.toString())
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  throw new TypeError(`expected a long, got ${typeof value}`)
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (Long.isLong(value)) return value.toNumber()
  throw new TypeError(`expected an integer, got ${typeof value}`)
}

class MapCompiler {
  private readonly byName = new Map<string, TlEntry>()
  private readonly readers = new Map<TlEntry, ReadValue>()
  private readonly writers = new Map<TlEntry, (w: Writer, value: Fields) => void>()

  constructor(entries: readonly TlEntry[]) {
    for (const entry of entries) if (entry.kind === 'class') this.byName.set(entry.name, entry)
  }

  bodyReader(entry: TlEntry): ReadValue {
    const cached = this.readers.get(entry)
    if (cached) return cached
    const steps = entry.arguments.map((arg) => this.readStep(arg))
    const read = (r: Reader) => {
      const obj: Fields = { _: entry.name }
      const flags: Record<string, number> = {}
      for (const step of steps) step(r, obj, flags)
      return obj
    }
    this.readers.set(entry, read)
    return read
  }

  bodyWriter(entry: TlEntry): (w: Writer, value: Fields) => void {
    const cached = this.writers.get(entry)
    if (cached) return cached
    const steps = entry.arguments.map((arg) => this.writeStep(entry, arg))
    const write = (w: Writer, value: Fields) => {
      for (const step of steps) step(w, value)
    }
    this.writers.set(entry, write)
    return write
  }

  private readStep(arg: TlArgument): (r: Reader, obj: Fields, flags: Record<string, number>) => void {
    const key = camelCase(arg.name)
    if (arg.type === '#') {
      return (r, _obj, flags) => {
        flags[arg.name] = r.uint()
      }
    }
    const predicate = parsePredicate(arg)
    if (arg.type === 'true' && predicate) {
      return (_r, obj, flags) => {
        obj[key] = isSet(flags, predicate)
      }
    }
    const read = this.valueReader(arg)
    if (!predicate) {
      return (r, obj) => {
        obj[key] = read(r)
      }
    }
    return (r, obj, flags) => {
      if (isSet(flags, predicate)) obj[key] = read(r)
    }
  }

  private writeStep(entry: TlEntry, arg: TlArgument): (w: Writer, value: Fields) => void {
    const key = camelCase(arg.name)
    if (arg.type === '#') {
      const members = entry.arguments.flatMap((other) => {
        const predicate = parsePredicate(other)
        return predicate?.field === arg.name
          ? [{ key: camelCase(other.name), bit: predicate.bit, isTrue: other.type === 'true' }]
          : []
      })
      return (w, value) => {
        let flags = 0
        for (const member of members) {
          const field = value[member.key]
          const present = member.isTrue ? Boolean(field) : field !== undefined && field !== null
          if (present) flags |= 1 << member.bit
        }
        w.uint(flags >>> 0)
      }
    }
    const predicate = parsePredicate(arg)
    if (arg.type === 'true' && predicate) return () => {}
    const write = this.valueWriter(arg)
    if (predicate) {
      return (w, value) => {
        const field = value[key]
        if (field !== undefined && field !== null) write(w, field)
      }
    }
    return (w, value) => {
      const field = value[key]
      if (field === undefined) throw new Error(`${entry.name} is missing required field ${key}`)
      write(w, field)
    }
  }

  private valueReader(arg: TlArgument): ReadValue {
    const single = this.singleReader(arg.type, arg.typeModifiers?.isBareType === true)
    if (arg.typeModifiers?.isVector) return (r) => r.vector(() => single(r))
    if (arg.typeModifiers?.isBareVector) return (r) => r.vector(() => single(r), true)
    return single
  }

  private valueWriter(arg: TlArgument): WriteValue {
    const single = this.singleWriter(arg.type, arg.typeModifiers?.isBareType === true)
    const bare = arg.typeModifiers?.isBareVector === true
    if (arg.typeModifiers?.isVector || bare) {
      return (w, value) => {
        if (!Array.isArray(value)) throw new TypeError(`expected an array for ${arg.name}`)
        w.vector((item) => single(w, item), value, bare)
      }
    }
    return single
  }

  private singleReader(type: string, bare: boolean): ReadValue {
    switch (type) {
      case 'int':
        return (r) => r.int()
      case 'long':
        return (r) => r.long()
      case 'int53':
        return (r) => r.int53()
      case 'double':
        return (r) => r.double()
      case 'string':
        return (r) => r.string()
      case 'bytes':
        return (r) => r.bytes()
      case 'int128':
        return (r) => r.int128()
      case 'int256':
        return (r) => r.int256()
      case 'Bool':
        return (r) => r.boolean()
      case 'true':
        return () => true
    }
    const entry = bare || isBareName(type) ? this.byName.get(type) : undefined
    if (entry) {
      // Looked up lazily: bare types may refer to each other.
      return (r) => this.bodyReader(entry)(r)
    }
    return (r) => r.object()
  }

  private singleWriter(type: string, bare: boolean): WriteValue {
    switch (type) {
      case 'int':
        return (w, v) => w.int(toNumber(v))
      case 'long':
        return (w, v) => w.long(toLong(v))
      case 'int53':
        return (w, v) => w.int53(toNumber(v))
      case 'double':
        return (w, v) => w.double(v as number)
      case 'string':
        return (w, v) => w.string(v as string)
      case 'bytes':
        return (w, v) => w.bytes(v as Uint8Array)
      case 'int128':
        return (w, v) => w.int128(v as Uint8Array)
      case 'int256':
        return (w, v) => w.int256(v as Uint8Array)
      case 'Bool':
        return (w, v) => w.boolean(v as boolean)
      case 'true':
        return () => {}
    }
    const entry = bare || isBareName(type) ? this.byName.get(type) : undefined
    if (entry) return (w, v) => this.bodyWriter(entry)(w, v as Fields)
    return (w, v) => w.object(v)
  }
}

interface Predicate {
  field: string
  bit: number
}

function parsePredicate(arg: TlArgument): Predicate | undefined {
  const text = arg.typeModifiers?.predicate
  if (text === undefined) return undefined
  const dot = text.indexOf('.')
  return { field: text.slice(0, dot), bit: Number(text.slice(dot + 1)) }
}

function isSet(flags: Record<string, number>, predicate: Predicate): boolean {
  return (((flags[predicate.field] ?? 0) >>> predicate.bit) & 1) === 1
}

/** A lowercase last segment (`ipPort`, `help.configSimple`) names a bare constructor. */
function isBareName(type: string): boolean {
  const last = type.slice(type.lastIndexOf('.') + 1)
  const first = last.charAt(0)
  return first !== '' && first === first.toLowerCase() && first !== first.toUpperCase()
}
