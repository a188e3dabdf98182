import { Api, TelegramClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { wrapClient } from '../../src/adapters/gramjs/index.js'
import { destroyGramjsClient, gramjsOptions, loginGramjs } from '../../src/testkit/clients.js'
import { type MtprotoCluster, startCluster } from '../../src/testkit/index.js'

const PHONE = '9996620001'

/**
 * GramJS drops the rest of a msg_container after the first rpc_error in it (its rpc_result handler
 * throws, ending the container loop). A burst meeting a flood limit gets its refusals in one
 * container, so bare GramJS leaves calls hanging forever; the adapter must deliver all of them.
 * Real GramJS over real MTProto, against the testkit's server.
 */
describe('GramJS adapter: every answer of a container is delivered', () => {
  let cluster: MtprotoCluster | undefined
  let client: TelegramClient | undefined

  afterEach(async () => {
    if (client) await destroyGramjsClient(client)
    await cluster?.stop()
    client = undefined
    cluster = undefined
  })

  async function burst(wrap: boolean): Promise<string[]> {
    const running = await startCluster({
      protocol: 'mtproto',
      floodRules: [{ method: 'messages.sendMessage', scope: 'account', maxCalls: 2, windowMs: 1000 }],
    })
    cluster = running
    const telegram = new TelegramClient(new StringSession(''), 1, 'hash', {
      ...gramjsOptions(running),
      baseLogger: new Logger(LogLevel.NONE),
    })
    client = telegram
    if (wrap) wrapClient(telegram, { maxFloodWaitMs: 0 })
    else telegram.floodSleepThreshold = 0
    await loginGramjs(telegram, PHONE)
    const callsBefore = running.report().calls
    const outcomes = Array.from({ length: 6 }, () => 'hung')
    const settled = outcomes.map((_, i) =>
      telegram.sendMessage('me', { message: `m${i}` }).then(
        () => {
          outcomes[i] = 'ok'
        },
        (error: { errorMessage?: string; seconds?: number }) => {
          outcomes[i] = `error ${error.seconds !== undefined ? 'FLOOD' : error.errorMessage}`
        },
      ),
    )
    if (wrap) {
      // Every call must settle: a hang here is caught by the test's timeout.
      await Promise.all(settled)
      return [...outcomes]
    }
    // A positive sentinel instead of a guessed delay: once the server has answered all six, a later
    // call's answer comes behind theirs on the same connection, and GramJS reads its packets in
    // order, so a call still unsettled when that answer is in will never settle.
    await vi.waitFor(() => expect(running.report().calls).toBeGreaterThanOrEqual(callsBefore + 6), {
      timeout: 10_000,
      interval: 20,
    })
    await telegram.invoke(new Api.help.GetNearestDc())
    return [...outcomes]
  }

  it('bare GramJS leaves the later refusals of the container hanging (the bug worked around)', async () => {
    const outcomes = await burst(false)
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2)
    expect(outcomes.filter((o) => o === 'hung').length).toBeGreaterThan(0)
  }, 30_000)

  it('with the adapter every call settles: two sent, four refused with the wait', async () => {
    const outcomes = await burst(true)
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2)
    expect(outcomes.filter((o) => o === 'error FLOOD')).toHaveLength(4)
    expect(outcomes).not.toContain('hung')
  }, 30_000)
})
