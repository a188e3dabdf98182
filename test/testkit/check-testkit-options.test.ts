import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTestkitInvoker, startCluster } from '../../src/testkit/index.js'
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

  it('createTestkitInvoker', async () => {
    const cluster = await startCluster({ accounts: { alice: { homeDc: 2 } } })
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
