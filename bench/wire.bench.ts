/**
 * Decoding an rpc_result that carries an rpc_error, plain and gzip-wrapped, into an error object:
 * ours (`decodeRpcResult`) against GramJS (`BinaryReader` + `RPCMessageToError`) and mtcute
 * (`TlBinaryReader` + `RpcError.fromTl`), same bytes, same run. Each does the same work: read the
 * rpc_result and its req_msg_id, inflate when gzipped, read the rpc_error, build an error.
 * Each task is measured in its own process. Run: `npm run bench -- wire`.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { tl } from '@mtcute/core'
import { __tlReaderMap, TlBinaryReader } from '@mtcute/core/utils.js'
import { Api } from 'telegram'
import { RPCMessageToError } from 'telegram/errors/index.js'
import { BinaryReader } from 'telegram/extensions/index.js'
import { GZIPPacked } from 'telegram/tl/core/index.js'
import { Bench } from 'tinybench'
import { decodeRpcResult, type RpcError } from '../src/index.js'
import { CONSTRUCTOR_IDS, encodeGzipPacked, encodeRpcError, encodeRpcResult } from '../src/wire/index.js'

/** A few errors a client meets often; cycling through them keeps any cache honest. */
const ERRORS: ReadonlyArray<readonly [number, string]> = [
  [420, 'FLOOD_WAIT_42'],
  [303, 'USER_MIGRATE_4'],
  [400, 'PEER_ID_INVALID'],
  [420, 'FLOOD_WAIT_7'],
  [401, 'AUTH_KEY_UNREGISTERED'],
  [303, 'FILE_MIGRATE_2'],
  [400, 'MESSAGE_ID_INVALID'],
  [500, 'INTERNAL_SERVER_ERROR'],
]

interface Frame {
  readonly bytes: Uint8Array
  /** The same bytes as a Buffer view, which GramJS's reader needs; made once, as a socket would. */
  readonly buffer: Buffer
}

function frames(gzip: boolean): Frame[] {
  return ERRORS.map(([code, message], i) => {
    const error = encodeRpcError(code, message)
    const bytes = encodeRpcResult(
      0x6543_2100_0000_0004n + BigInt(i * 4),
      gzip ? encodeGzipPacked(error) : error,
    )
    return { bytes, buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
  })
}

const plain = frames(false)
const gzipped = frames(true)
const MASK = ERRORS.length - 1
const gramjsRequest = { className: 'messages.SendMessage' }
let sink: unknown
let cursor = 0

// ---- ours ----

function ours(frame: Frame): void {
  const { outcome } = decodeRpcResult(frame.bytes)
  if (outcome.ok) throw new Error('expected an error')
  sink = outcome.error
}

function oursWithStack(frame: Frame): void {
  const { outcome } = decodeRpcResult(frame.bytes)
  if (outcome.ok) throw new Error('expected an error')
  sink = (outcome.error as RpcError).captureStack()
}

// ---- GramJS: its MTProtoSender path reads the message with tgReadObject (RPCResult.fromReader is
// async), then builds the error with RPCMessageToError. A gzipped error comes back as a result body,
// so reading it as an error takes one more tgReadObject on that body. ----

interface GramjsResult {
  body?: Buffer
  error?: Api.RpcError
}

async function gramjsAsync(frame: Frame): Promise<void> {
  const result = (await new BinaryReader(frame.buffer).tgReadObject()) as GramjsResult
  const error = result.error ?? ((await new BinaryReader(result.body!).tgReadObject()) as Api.RpcError)
  sink = RPCMessageToError(error, gramjsRequest as never)
}

/** The same steps as RPCResult.fromReader without its promise, to measure GramJS at its fastest. */
function gramjsSync(frame: Frame): void {
  const reader = new BinaryReader(frame.buffer)
  reader.readInt(false)
  sink = reader.readLong()
  const inner = reader.readInt(false)
  let error: Api.RpcError
  if (inner === CONSTRUCTOR_IDS.gzip_packed) {
    const body = GZIPPacked.ungzip(reader.tgReadBytes())
    error = new BinaryReader(body).tgReadObject() as Api.RpcError
  } else {
    error = Api.RpcError.fromReader(reader)
  }
  sink = RPCMessageToError(error, gramjsRequest as never)
}

// ---- mtcute: session-connection's _onRpcResult, with its Node platform's gunzip (node:zlib) ----

function mtcute(frame: Frame): void {
  const reader = new TlBinaryReader(__tlReaderMap, frame.bytes)
  reader.uint()
  sink = reader.long()
  let result: { _: string; errorCode: number; errorMessage: string }
  if (reader.peekUint() === CONSTRUCTOR_IDS.gzip_packed) {
    reader.pos += 4
    const inner = gunzipSync(reader.bytes())
    result = TlBinaryReader.deserializeObject(__tlReaderMap, inner)
  } else {
    result = reader.object() as typeof result
  }
  sink = tl.RpcError.fromTl(result as never)
}

/** Frames per measured iteration: amortises the timer's own cost over many decodes. */
const BATCH = 64
function nextFrame(frames: Frame[]): Frame {
  cursor = (cursor + 1) & MASK
  return frames[cursor]!
}
const batched = (frames: Frame[], decode: (frame: Frame) => void) => () => {
  for (let b = 0; b < BATCH; b++) decode(nextFrame(frames))
}
const batchedAsync = (frames: Frame[], decode: (frame: Frame) => Promise<void>) => async () => {
  for (let b = 0; b < BATCH; b++) await decode(nextFrame(frames))
}

const IMPLEMENTATIONS = {
  ours: (input: Frame[]) => batched(input, ours),
  'ours + captureStack()': (input: Frame[]) => batched(input, oursWithStack),
  'GramJS (async, as its sender)': (input: Frame[]) => batchedAsync(input, gramjsAsync),
  'GramJS (sync steps)': (input: Frame[]) => batched(input, gramjsSync),
  mtcute: (input: Frame[]) => batched(input, mtcute),
} as const
type Implementation = keyof typeof IMPLEMENTATIONS
const INPUTS = { plain, gzip: gzipped } as const
type Variant = keyof typeof INPUTS
type Figures = Record<Variant, number>

/** Measures one implementation on both inputs in this process and prints ns/op as JSON. */
async function measure(implementation: Implementation): Promise<void> {
  const bench = new Bench({ time: 700, warmup: true })
  for (const variant of Object.keys(INPUTS) as Variant[]) {
    bench.add(variant, IMPLEMENTATIONS[implementation](INPUTS[variant]))
  }
  await bench.run()
  const figures = {} as Figures
  for (const task of bench.tasks) {
    const mean = task.result && 'latency' in task.result ? task.result.latency.mean : Number.NaN
    figures[task.name as Variant] = (mean * 1e6) / BATCH
  }
  console.log(JSON.stringify(figures))
  if (sink === undefined) process.exit(2)
}

/** Rounds per implementation; the best round is kept, as other load on the machine only adds time. */
const ROUNDS = 3

/**
 * Each implementation runs in a fresh process, so the garbage and JIT state one library leaves
 * behind is not charged to the next; rounds alternate between implementations so that a burst of
 * load on the machine does not fall on one of them only.
 */
function runAll(): void {
  const here = fileURLToPath(import.meta.url)
  const names = Object.keys(IMPLEMENTATIONS) as Implementation[]
  const best = Object.fromEntries(names.map((name) => [name, { plain: Infinity, gzip: Infinity }])) as Record<
    Implementation,
    Figures
  >
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', here, name], { encoding: 'utf8' })
      const line = child.stdout
        .trim()
        .split('\n')
        .find((text) => text.startsWith('{'))
      if (child.status !== 0 || line === undefined) throw new Error(`${name} failed: ${child.stderr}`)
      const figures = JSON.parse(line) as Figures
      best[name].plain = Math.min(best[name].plain, figures.plain)
      best[name].gzip = Math.min(best[name].gzip, figures.gzip)
    }
  }
  for (const variant of Object.keys(INPUTS) as Variant[]) {
    const base = best.ours[variant]
    console.log(`\n${variant === 'plain' ? 'rpc_result + rpc_error' : 'rpc_result + gzip_packed(rpc_error)'}`)
    console.table(
      names.map((task) => ({
        task,
        'ns/op': best[task][variant].toFixed(0),
        'x ours': (best[task][variant] / base).toFixed(2),
      })),
    )
    const fastest = Math.min(
      best['GramJS (async, as its sender)'][variant],
      best['GramJS (sync steps)'][variant],
      best.mtcute[variant],
    )
    console.log(
      `${variant}: fastest of GramJS/mtcute / ours = ${(fastest / base).toFixed(2)}x (target: >= 1); ` +
        `against ours with a stack captured as theirs do: ${(fastest / best['ours + captureStack()'][variant]).toFixed(2)}x`,
    )
  }
}

const implementation = process.argv[2]
if (implementation !== undefined) {
  await measure(implementation as Implementation)
} else {
  runAll()
}
