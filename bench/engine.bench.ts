/**
 * The recovery engine's cost on the happy path: `send` called directly against the same `send`
 * through `invoke` with the default chain. The target: under 1 µs of overhead per call.
 * Also measured: a call with an AbortSignal, a call while the flood store holds a window for
 * another method (the store's key groups tell in two lookups that none can hold it), and a call
 * while another method's key is paced and in a window (pacing is on by default).
 *
 * Shared machines are noisy, so the tasks run in short alternating rounds and the figures are
 * medians over rounds: a burst of load then spoils one round, not the result.
 *
 * Run: `npm run bench engine`, or `node --import tsx bench/engine.bench.ts`.
 */
import { Bench } from 'tinybench'
import { createInvoker, MemoryFloodStore } from '../src/index.js'

const ROUNDS = 9
const result = { _: 'updateShortSentMessage', id: 1, pts: 2, ptsCount: 1, date: 1_700_000_000 }
const send = (): Promise<unknown> => Promise.resolve(result)
const params = { peer: { _: 'inputPeerSelf' }, message: 'hello', randomId: 1n }

const invoke = createInvoker({ send })
const signal = new AbortController().signal
const busyStore = new MemoryFloodStore()
busyStore.record('default|messages.getHistory', Date.now() + 3_600_000, Date.now())
const invokeBusyStore = createInvoker({ send, floodStore: busyStore })
// Another method was refused once (an hour's wait): its key is paced and in a window from now on.
const invokePacedElsewhere = createInvoker({
  send: (request) =>
    request.method === 'messages.forwardMessages' ? Promise.reject(floodWait) : Promise.resolve(result),
})
const floodWait = Object.assign(new Error('FLOOD_WAIT_3600'), { code: 420, errorMessage: 'FLOOD_WAIT_3600' })
await invokePacedElsewhere('messages.forwardMessages', params).catch(() => undefined)
if (invokePacedElsewhere.pacingSnapshot().paces.length !== 1) throw new Error('the paced key was not learned')

const tasks: Record<string, () => Promise<unknown>> = {
  'send directly': () => send(),
  'invoke (default chain)': () => invoke('messages.sendMessage', params),
  'invoke with signal': () => invoke('messages.sendMessage', params, { signal }),
  'invoke, store holds another key': () => invokeBusyStore('messages.sendMessage', params),
  'invoke, another key paced': () => invokePacedElsewhere('messages.sendMessage', params),
}

const samples = new Map<string, number[]>(Object.keys(tasks).map((name) => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: 250, warmup: true, warmupTime: 100 })
  for (const [name, fn] of Object.entries(tasks)) {
    bench.add(name, async () => {
      await fn()
    })
  }
  await bench.run()
  for (const task of bench.tasks) {
    const latency = task.result && 'latency' in task.result ? task.result.latency : undefined
    if (latency === undefined) throw new Error(`no result for ${task.name}`)
    samples.get(task.name)?.push(latency.mean * 1e6)
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const direct = samples.get('send directly') as number[]
const rows = [...samples].map(([task, ns]) => ({
  task,
  'ns/call (median)': Math.round(median(ns)),
  // Per round, so that a slow round slows both sides of the difference.
  'overhead ns (median)': Math.round(median(ns.map((value, i) => value - (direct[i] as number)))),
}))
console.table(rows)
const overhead = rows[1]?.['overhead ns (median)'] as number
console.log(
  `engine overhead per successful call: ${overhead} ns (target < 1000 ns), median of ${ROUNDS} rounds`,
)
if (overhead >= 1000) process.exitCode = 1

/**
 * What slow start costs where the server never refuses: K messages.sendMessage at once (a method the
 * catalogue knows to meet flood limits), each answered after LATENCY_MS, on a fresh invoker each
 * time (slow start begins anew), with pacing on and off. Median of FAN_OUT_RUNS.
 */
const FAN_OUT = 30
const LATENCY_MS = 5
const FAN_OUT_RUNS = 9
const slowSend = (): Promise<unknown> =>
  new Promise((resolve) => setTimeout(() => resolve(result), LATENCY_MS))
async function fanOutMs(pacing: boolean): Promise<number> {
  const fresh = createInvoker({ send: slowSend, pacing })
  const started = performance.now()
  await Promise.all(Array.from({ length: FAN_OUT }, () => fresh('messages.sendMessage', params)))
  return performance.now() - started
}
const fanOut = { on: [] as number[], off: [] as number[] }
for (let run = 0; run < FAN_OUT_RUNS; run++) {
  fanOut.on.push(await fanOutMs(true))
  fanOut.off.push(await fanOutMs(false))
}
console.table([
  {
    fan_out: `${FAN_OUT} at once, ${LATENCY_MS} ms answers`,
    pacing: 'off',
    'makespan ms (median)': median(fanOut.off).toFixed(1),
  },
  {
    fan_out: `${FAN_OUT} at once, ${LATENCY_MS} ms answers`,
    pacing: 'on (slow start)',
    'makespan ms (median)': median(fanOut.on).toFixed(1),
  },
])
