import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTestkitInvoker, startBotApiServer, startCluster } from '../../src/testkit/index.js'
import { anyValue, checkedOrWorks } from '../option-values.js'

describe('testkit options: accepted and working, or refused at once naming the option', () => {
  it('startCluster', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('dcCount', 'seed', 'host', 'faults', 'transportFaults', 'protocol', 'dcIds'),
        anyValue,
        async (name, value) => {
          await checkedOrWorks(
            'startCluster',
            name,
            () => startCluster({ [name]: value }),
            (cluster) => cluster.stop(),
          )
        },
      ),
      { numRuns: 40 },
    )
  })

  it('names the host when no socket can listen on it, for either protocol', async () => {
    for (const protocol of ['plain', 'mtproto'] as const) {
      await expect(startCluster({ protocol, host: 'no such host' })).rejects.toThrow(
        /^startCluster: host "no such host" is no address to listen on here \((ENOTFOUND|EAI_AGAIN)\)$/,
      )
    }
  })

  it('checks nested rates by their path', async () => {
    await expect(startCluster({ transportFaults: { dropAnswerRate: 1.5 } })).rejects.toThrow(
      new RangeError('startCluster: transportFaults.dropAnswerRate must be a number >= 0 and <= 1, got 1.5'),
    )
  })

  it('refuses a flood rule without its count or window, or with the names they had before', async () => {
    const rule = { method: 'messages.sendMessage', scope: 'peer', maxCalls: 2, windowMs: 1000 }
    const refusals: [unknown, RegExp][] = [
      [{ ...rule, maxCalls: undefined }, /floodRules\[0\]\.maxCalls must be a whole number >= 1/],
      [{ ...rule, windowMs: 0 }, /floodRules\[0\]\.windowMs must be a number >= 1/],
      [{ ...rule, scope: undefined }, /floodRules\[0\]\.scope is required/],
      [{ ...rule, scope: 'chat' }, /floodRules\[0\]\.scope must be one of/],
      [{ ...rule, max: 2 }, /floodRules\[0\]\.max: a flood rule counts maxCalls \(was max\)/],
      [{ ...rule, perMs: 1000 }, /floodRules\[0\]\.perMs: .* windowMs \(was perMs\)/],
      [{ ...rule, waitSeconds: 2 }, /floodRules\[0\]\.waitSeconds: .* waitMs \(was waitSeconds\)/],
    ]
    for (const [bad, message] of refusals) {
      await expect(startCluster({ floodRules: [bad as never] })).rejects.toThrow(message)
      await expect(startBotApiServer({ floodRules: [bad as never] })).rejects.toThrow(
        new RegExp(`^startBotApiServer: ${message.source}`),
      )
    }
  })

  it('refuses dropRate, saying which of the two drops to choose', async () => {
    for (const protocol of ['plain', 'mtproto'] as const) {
      await expect(startCluster({ protocol, transportFaults: { dropRate: 0.1 } as never })).rejects.toThrow(
        /transportFaults\.dropRate: dropRate was split: dropRequestRate .* or dropAnswerRate/,
      )
    }
  })

  it('createTestkitInvoker', async () => {
    const cluster = await startCluster({ accounts: { alice: { homeDcId: 2 } } })
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('connectTimeoutMs', 'defaultDcId', 'deadlineMs'),
          anyValue,
          async (name, value) => {
            await checkedOrWorks(
              'createTestkitInvoker',
              name,
              () => createTestkitInvoker(cluster, { account: 'alice', [name]: value }),
              (invoke) => invoke.close(),
            )
          },
        ),
        { numRuns: 60 },
      )
    } finally {
      await cluster.stop()
    }
  })
})
