/**
 * Parse + classify + build an error object for a realistic mix of rpc_error messages: ours
 * (`RpcError.from`) against GramJS (`RPCMessageToError`) and mtcute (`RpcError.fromTl`), same
 * inputs, same run. Run: `npm run bench -- error`.
 */
import { tl } from '@mtcute/core'
import { RPCMessageToError } from 'telegram/errors/index.js'
import { Bench } from 'tinybench'
import { RpcError } from '../src/index.js'

/** Roughly what a busy userbot sees: many floods and migrations, input errors, some 500s. */
const WEIGHTED_MIX: ReadonlyArray<readonly [weight: number, code: number, make: (i: number) => string]> = [
  [20, 420, (i) => `FLOOD_WAIT_${(i % 97) + 1}`],
  [4, 420, (i) => `SLOWMODE_WAIT_${(i % 31) + 1}`],
  [2, 420, (i) => `FLOOD_PREMIUM_WAIT_${(i % 13) + 1}`],
  [8, 303, (i) => `USER_MIGRATE_${(i % 5) + 1}`],
  [8, 303, (i) => `FILE_MIGRATE_${(i % 5) + 1}`],
  [2, 303, (i) => `PHONE_MIGRATE_${(i % 5) + 1}`],
  [10, 400, () => 'PHONE_NUMBER_INVALID'],
  [8, 400, () => 'MESSAGE_ID_INVALID'],
  [6, 400, () => 'USERNAME_NOT_OCCUPIED'],
  [4, 400, (i) => `FILE_PART_${i % 40}_MISSING`],
  [4, 400, () => 'FILE_REFERENCE_EXPIRED'],
  [8, 403, () => 'CHAT_WRITE_FORBIDDEN'],
  [6, 401, () => 'AUTH_KEY_UNREGISTERED'],
  [4, 500, () => 'INTERNAL_SERVER_ERROR'],
  [2, 500, () => 'WORKER_BUSY_TOO_LONG_RETRY'],
  [2, -503, () => 'Timeout'],
  [2, 406, () => 'AUTH_KEY_DUPLICATED'],
]

function buildMix(size: number): Array<{ code: number; message: string }> {
  const mix: Array<{ code: number; message: string }> = []
  let i = 0
  while (mix.length < size) {
    for (const [weight, code, make] of WEIGHTED_MIX) {
      for (let w = 0; w < weight && mix.length < size; w++) mix.push({ code, message: make(i++) })
    }
  }
  return mix
}

const mix = buildMix(4096)
const gramjsRequest = { className: 'messages.SendMessage' }
let sink: unknown
let cursor = 0
let fresh = 0

function next() {
  cursor = (cursor + 1) & 4095
  return mix[cursor] as { code: number; message: string }
}

/** Errors per measured iteration: amortises the timer's own cost over many calls. */
const BATCH = 64
const bench = new Bench({ time: 1500, warmup: true })
const batched =
  (body: () => void): (() => void) =>
  () => {
    for (let b = 0; b < BATCH; b++) body()
  }
bench
  .add(
    'mtproto-errors RpcError.from',
    batched(() => {
      const m = next()
      sink = RpcError.from(m.code, m.message)
    }),
  )
  .add(
    'mtproto-errors, never-seen types (cold path)',
    batched(() => {
      sink = RpcError.from(420, `FLOOD_WAIT_${fresh++}`)
    }),
  )
  .add(
    'mtproto-errors new RpcError (native stack)',
    batched(() => {
      const m = next()
      sink = new RpcError(m.code, m.message)
    }),
  )
  .add(
    'GramJS RPCMessageToError',
    batched(() => {
      const m = next()
      sink = RPCMessageToError(
        { errorCode: m.code, errorMessage: m.message } as never,
        gramjsRequest as never,
      )
    }),
  )
  .add(
    'mtcute RpcError.fromTl',
    batched(() => {
      const m = next()
      sink = tl.RpcError.fromTl({ _: 'rpc_error', errorCode: m.code, errorMessage: m.message })
    }),
  )

await bench.run()

const nsPerOp = (name: string): number => {
  const task = bench.getTask(name)
  const mean = task?.result && 'latency' in task.result ? task.result.latency.mean : Number.NaN
  return (mean * 1e6) / BATCH
}
const ours = nsPerOp('mtproto-errors RpcError.from')
const rows = bench.tasks.map((task) => {
  const ns = nsPerOp(task.name)
  return { task: task.name, 'ns/error': ns.toFixed(1), 'x ours': (ns / ours).toFixed(1) }
})
console.table(rows)
console.log(
  `ratios: GramJS/ours = ${(nsPerOp('GramJS RPCMessageToError') / ours).toFixed(1)}x, mtcute/ours = ${(nsPerOp('mtcute RpcError.fromTl') / ours).toFixed(1)}x (targets: 50x, 20x)`,
)
if (sink === undefined) process.exit(2)
