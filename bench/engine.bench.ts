/**
 * The recovery engine's cost on the happy path: `send` called directly against the same `send`
 * through `invoke`, with the default chain. The target is under 1 µs of overhead per call.
 * Also measured: a call with an AbortSignal (listener armed lazily) and a call while the flood
 * store holds a window for another key (every call then builds its flood keys).
 *
 * Run: `npm run bench engine` or `node --import tsx bench/engine.bench.ts`.
 */
import { Bench } from 'tinybench'
import { createInvoker, MemoryFloodStore } from '../src/index.js'

const result = { _: 'updateShortSentMessage', id: 1, pts: 2, ptsCount: 1, date: 1700000000 }
const send = (): Promise<unknown> => Promise.resolve(result)
const params = { peer: { _: 'inputPeerSelf' }, message: 'hello', randomId: 1n }

const invoke = createInvoker({ send })
const signal = new AbortController().signal
const busyStore = new MemoryFloodStore()
const invokeBusyStore = createInvoker({ send, floodStore: busyStore })

const bench = new Bench({ time: 1_500, warmup: true, warmupTime: 500 })
bench
  .add('send directly', async () => {
    await send()
  })
  .add('invoke (default chain)', async () => {
    await invoke('messages.sendMessage', params)
  })
  .add('invoke with signal', async () => {
    await invoke('messages.sendMessage', params, { signal })
  })
  .add('invoke, store holds another key', async () => {
    busyStore.record('default|messages.getHistory', Date.now() + 60_000, Date.now())
    await invokeBusyStore('messages.sendMessage', params)
  })

await bench.run()

const nsPerCall = (name: string): number => {
  const task = bench.getTask(name)
  const latency = task?.result && 'latency' in task.result ? task.result.latency : undefined
  if (latency === undefined) throw new Error(`no result for ${name}`)
  return latency.mean * 1e6
}
const direct = nsPerCall('send directly')
console.table(
  bench.tasks.map((task) => ({
    task: task.name,
    'ns/call': Math.round(nsPerCall(task.name)),
    'overhead ns': Math.round(nsPerCall(task.name) - direct),
  })),
)
const overhead = nsPerCall('invoke (default chain)') - direct
console.log(`engine overhead per successful call: ${Math.round(overhead)} ns (target < 1000 ns)`)
if (overhead >= 1000) process.exitCode = 1
