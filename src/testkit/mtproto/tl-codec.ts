import { __tlReaderMap, __tlWriterMap } from '@mtcute/core/utils.js'
import {
  TlBinaryReader,
  TlBinaryWriter,
  type TlReaderMap,
  TlSerializationCounter,
  type TlWriterMap,
} from '@mtcute/tl-runtime'
import { buildReaderMap, buildWriterMap, toLong } from './tl-maps.js'
import { gramjsApiSchema, mtcuteApiSchema, type TlEntry, type TlSchema } from './tl-schema.js'

/** A TL object in mtcute's shape: `{ _: 'config', thisDc: 2, ... }`. */
export interface TlObject {
  _: string
  [field: string]: unknown
}

/** The writers for one API layer. */
interface LayerWriters {
  layer: number
  map: TlWriterMap
  methods: Map<string, TlEntry>
}

/**
 * Reads and writes TL for the cluster, at every layer a supported client speaks.
 *
 * Built on mtcute's TL runtime (`@mtcute/tl-runtime`). For mtcute's own layer it uses the
 * compiled maps mtcute itself ships and runs with; method readers (which no client needs, so
 * mtcute does not ship them) and GramJS's older layer are generated from the schemas those
 * packages ship (see tl-maps.ts). Reading goes by constructor id, which pins the layout, so one
 * union map reads requests from any client; writing picks the layer the client announced with
 * `invokeWithLayer`.
 */
export class TlCodec {
  private static instance: TlCodec | undefined

  /** One codec per process: it is immutable once built, and building it takes a few hundred ms. */
  static shared(): TlCodec {
    TlCodec.instance ??= new TlCodec()
    return TlCodec.instance
  }

  /** Reads any request, API object or MTProto service object, from any supported layer. */
  readonly readerMap: TlReaderMap
  private readonly writers: LayerWriters[]
  private readonly methodNames: Set<string>

  constructor() {
    const mtcute = mtcuteApiSchema()
    const gramjs = gramjsApiSchema()
    const layers: LayerWriters[] = [{ layer: mtcute.layer, map: __tlWriterMap, methods: methodIndex(mtcute) }]
    let gramjsReaders: TlReaderMap = {}
    if (gramjs && gramjs.layer !== mtcute.layer) {
      const entries = borrowInt53(gramjs.entries, mtcute.entries)
      gramjsReaders = buildReaderMap(entries)
      layers.push({ layer: gramjs.layer, map: buildWriterMap(entries), methods: methodIndex(gramjs) })
    }
    // Later spreads win: mtcute's own readers for its layer, then its methods.
    const mtcuteMethodReaders = buildReaderMap(mtcute.entries, (entry) => entry.kind === 'method')
    this.readerMap = { ...gramjsReaders, ...__tlReaderMap, ...mtcuteMethodReaders }
    this.writers = layers.sort((a, b) => a.layer - b.layer)
    this.methodNames = new Set(layers.flatMap((writers) => [...writers.methods.keys()]))
  }

  /** True for API methods (as opposed to constructors and MTProto service objects). */
  isMethod(name: string): boolean {
    return this.methodNames.has(name)
  }

  /** True if a constructor id is known at any layer. */
  knows(id: number): boolean {
    return id in this.readerMap
  }

  /** The API layers this codec can answer in, ascending. */
  get layers(): number[] {
    return this.writers.map((writers) => writers.layer)
  }

  /** Reads one boxed object (a request, or any object) from the start of `bytes`. */
  decode(bytes: Uint8Array): TlObject {
    return TlBinaryReader.deserializeObject<TlObject>(this.readerMap, bytes)
  }

  /**
   * Serialises an MTProto object of the key exchange (`mt_resPQ`, `mt_server_DH_params_ok`, ...).
   * The envelope of encrypted messages is written with `src/wire` and `service-encoders.ts`.
   */
  encodeService(obj: TlObject): Uint8Array {
    return TlBinaryWriter.serializeObject(__tlWriterMap, obj)
  }

  /**
   * Serialises the result of `method` for a client at `layer`: an object, or for methods that
   * return `Vector<T>` or `Bool`, an array or boolean.
   */
  encodeResult(method: string, value: unknown, layer: number | undefined): Uint8Array {
    const writers = this.writersFor(layer)
    const entry =
      writers.methods.get(method) ?? this.writers.find((w) => w.methods.has(method))?.methods.get(method)
    const write = (w: TlBinaryWriter | TlSerializationCounter) => writeResult(w, entry, value)
    const counter = new TlSerializationCounter(writers.map)
    write(counter)
    const writer = TlBinaryWriter.alloc(writers.map, counter.count)
    write(writer)
    return writer.result()
  }

  /** Serialises an API object at `layer`. */
  encodeObject(obj: TlObject, layer: number | undefined): Uint8Array {
    return TlBinaryWriter.serializeObject(this.writersFor(layer).map, obj)
  }

  /**
   * Answers in the newest layer not above the client's; a client older than every layer we have
   * gets the oldest, an unannounced one the newest.
   */
  private writersFor(layer: number | undefined): LayerWriters {
    const newest = this.writers[this.writers.length - 1]!
    if (layer === undefined) return newest
    let chosen = this.writers[0]!
    for (const writers of this.writers) if (writers.layer <= layer) chosen = writers
    return chosen
  }
}

function writeResult(w: TlBinaryWriter | TlSerializationCounter, entry: TlEntry | undefined, value: unknown) {
  if (entry?.typeModifiers?.isVector) {
    if (!Array.isArray(value)) throw new TypeError(`${entry.name} returns a vector`)
    const element = entry.type
    w.vector((item) => {
      if (element === 'long') w.long(toLong(item))
      else if (element === 'int') w.int(item as number)
      else w.object(item as TlObject)
    }, value)
    return
  }
  if (typeof value === 'boolean') {
    w.boolean(value)
    return
  }
  w.object(value as TlObject)
}

function methodIndex(schema: TlSchema): Map<string, TlEntry> {
  return new Map(
    schema.entries.filter((entry) => entry.kind === 'method').map((entry) => [entry.name, entry]),
  )
}

/**
 * GramJS's schema says `long` where mtcute's says `int53` (ids that fit a double). Using mtcute's
 * choice for fields both schemas share gives the world one JavaScript type per field.
 */
function borrowInt53(entries: readonly TlEntry[], reference: readonly TlEntry[]): TlEntry[] {
  const int53Fields = new Set<string>()
  for (const entry of reference) {
    for (const arg of entry.arguments) if (arg.type === 'int53') int53Fields.add(`${entry.name}.${arg.name}`)
  }
  return entries.map((entry) => ({
    ...entry,
    arguments: entry.arguments.map((arg) =>
      arg.type === 'long' && int53Fields.has(`${entry.name}.${arg.name}`) ? { ...arg, type: 'int53' } : arg,
    ),
  }))
}
