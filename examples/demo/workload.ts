/**
 * The demo's workload: a few jobs a real bot would run at the same time, each making its calls
 * through the engine. `Workload` counts every call and keeps the failures for the summary.
 */
import type { CallOptions, Invoker } from 'mtproto-errors'
import type { DemoSize } from './scenario.js'

/** A call of the workload that did not succeed. */
export interface Failure {
  readonly job: string
  readonly method: string
  readonly error: unknown
}

/** Runs calls through the engine and counts them; never throws. */
export class Workload {
  started = 0
  settled = 0
  ok = 0
  readonly failures: Failure[] = []

  constructor(
    private readonly invoke: Invoker,
    private readonly onSettled: () => void,
  ) {}

  /** Makes one call; resolves with its outcome as data. */
  async call(job: string, method: string, params?: unknown, options?: CallOptions): Promise<boolean> {
    this.started++
    try {
      await this.invoke(method, params, options)
      this.ok++
      return true
    } catch (error) {
      this.failures.push({ job, method, error })
      return false
    } finally {
      this.settled++
      this.onSettled()
    }
  }
}

/** One job of the demo. */
export type Job = (work: Workload, size: DemoSize) => Promise<void>

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `count` tasks, at most `concurrency` at a time. */
async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane))
}

/** Steady traffic: profile and config reads from 20 lanes, paced like a bot's. */
export const background: Job = (work, size) =>
  pool(size.background, 20, async (i) => {
    await work.call('background', i % 3 === 0 ? 'help.getConfig' : 'users.getFullUser')
    await sleep(90)
  })

/** A burst of messages to one chat: the server lets 5 through per 2 s. */
export const burst: Job = async (work, size) => {
  await Promise.all(
    Array.from({ length: size.burst }, (_, i) =>
      work.call('burst', 'messages.sendMessage', { peer: 'team-chat', message: `standup note ${i + 1}` }),
    ),
  )
}

/** Posts to a slow-mode channel: SLOWMODE_WAIT between posts. */
export const slowMode: Job = async (work, size) => {
  await Promise.all(
    Array.from({ length: size.slowPosts }, (_, i) =>
      work.call('slow mode', 'channels.sendSlowMessage', {
        channel: 'announcements',
        message: `post ${i + 1}`,
      }),
    ),
  )
}

/** Resolves a batch of usernames: 10 per 5 s per account. */
export const resolveNames: Job = async (work, size) => {
  await Promise.all(
    Array.from({ length: size.resolves }, (_, i) =>
      work.call('usernames', 'contacts.resolveUsername', { username: `member_${i + 1}` }),
    ),
  )
}

/** Downloads a video stored on DC 4: FILE_MIGRATE, then authorization there, once. */
export const download: Job = async (work, size) => {
  const partBytes = 512 * 1024
  for (let part = 0; part < size.fileParts; part++) {
    await work.call('download', 'upload.getFile', {
      location: 'holiday-video',
      offset: part * partBytes,
      limit: partBytes,
    })
  }
}

/** Reads history from a service that fails a third of the time: retried with backoff. */
export const readHistory: Job = (work, size) =>
  pool(size.historyReads, 4, (i) => work.call('history', 'messages.getHistory', { peer: `chat-${i % 5}` }))

/** Asks the statistics service, which is down: the engine gives up with a diagnostic report. */
export const statistics: Job = async (work) => {
  await work.call('statistics', 'stats.getBroadcastStats', { channel: 'news-channel' })
}

/** What people type: each mistake comes back with the field and a message for them. */
export const typos: Job = async (work) => {
  await work.call('typos', 'account.updateProfile', { first_name: '   ' })
  await work.call('typos', 'contacts.resolveUsername', { username: 'j!m' })
  await work.call('typos', 'auth.sendCode', { phone_number: 'call me' })
}

/** Every job, started together. */
export const JOBS: readonly Job[] = [
  background,
  burst,
  slowMode,
  resolveNames,
  download,
  readHistory,
  statistics,
  typos,
]
