/**
 * What the demo simulates: one bot account whose session starts on the wrong DC, a video stored on
 * another DC, a busy team chat with flood limits, a slow-mode channel, a flaky history service, a
 * statistics service that is down, and people who type their input wrong.
 */

import { DEFAULT_FLOOD_RULES, type PlainClusterOptions } from '../../src/testkit/index.js'

/** How much of each kind of work the demo does. */
export interface DemoSize {
  /** Background calls (profile and config reads), paced like a bot's steady traffic. */
  readonly background: number
  /** Messages sent to one chat at once: 5 per 2 s get through, the rest wait. */
  readonly burst: number
  /** Posts to a slow-mode channel: one per 3 s. */
  readonly slowPosts: number
  /** Usernames resolved at once: 10 per 5 s. */
  readonly resolves: number
  /** Parts of the video read from its DC. */
  readonly fileParts: number
  /** History reads against a service failing a third of the time. */
  readonly historyReads: number
}

/** The full demonstration, about ten seconds. */
export const FULL: DemoSize = {
  background: 1500,
  burst: 25,
  slowPosts: 3,
  resolves: 14,
  fileParts: 8,
  historyReads: 30,
}

/** A short run for tests (`--quick` or DEMO_QUICK=1), a few seconds. */
export const QUICK: DemoSize = {
  background: 150,
  burst: 8,
  slowPosts: 2,
  resolves: 4,
  fileParts: 2,
  historyReads: 8,
}

/** The account the demo acts as. */
export const ACCOUNT = 'demo-bot'

/** The cluster: five DCs on loopback with the world above and a little transport trouble. */
export const CLUSTER: PlainClusterOptions = {
  seed: 2024,
  // The session was created on DC 1 before the account moved to DC 2: calls there are redirected.
  accounts: { [ACCOUNT]: { homeDcId: 2, authorizedOn: [1, 2] } },
  files: { 'holiday-video': 4 },
  statsDcs: { 'news-channel': 3 },
  floodRules: DEFAULT_FLOOD_RULES,
  faults: {
    internalErrorRate: 0.01,
    timeoutRate: 0.005,
    byMethod: {
      'messages.getHistory': { internalErrorRate: 0.25, timeoutRate: 0.1 },
      // The statistics service is down: every call fails, the engine gives up with a report.
      'stats.getBroadcastStats': { internalErrorRate: 1 },
    },
  },
  transportFaults: { slowRate: 0.05, slowMs: 150, dropAnswerRate: 0.002, gzipRate: 0.1 },
}
