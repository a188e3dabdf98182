import type { PlainClusterOptions } from '../../../src/testkit/index.js'

/**
 * The world the load test and the soak run against: `accountCount` accounts homed round-robin on
 * DCs 1-5 (each also authorized on DC 1, so calls start there and migrate), files and stats on
 * every DC, flood limits on sends and lookups, and every fault the plain cluster injects.
 * `rareFaultRate` is the rate of dropped, half-sent and garbage answers (WORKER_BUSY gets twice it).
 */
export function faultyWorld(seed: number, accountCount: number, rareFaultRate: number): PlainClusterOptions {
  return {
    seed,
    accounts: Object.fromEntries(
      Array.from({ length: accountCount }, (_, i) => [
        `acct${i}`,
        { homeDcId: (i % 5) + 1, authorizedOn: [1, (i % 5) + 1] },
      ]),
    ),
    files: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`file-${i}`, (i % 5) + 1])),
    statsDcs: { 'news-0': 3, 'news-1': 4, 'news-2': 5 },
    floodRules: [
      { method: 'messages.sendMessage', scope: 'peer', maxCalls: 5, windowMs: 1000 },
      { method: 'contacts.resolveUsername', scope: 'account', maxCalls: 20, windowMs: 1000 },
    ],
    faults: { internalErrorRate: 0.01, timeoutRate: 0.005, workerBusyRate: rareFaultRate * 2 },
    transportFaults: {
      slowRate: 0.02,
      slowMs: 50,
      dropAnswerRate: rareFaultRate,
      halfFrameRate: rareFaultRate,
      garbageRate: rareFaultRate,
      gzipRate: 0.05,
    },
  }
}
