import { TelegramClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { afterEach, describe, expect, it } from 'vitest'
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
    cluster = await startCluster({
      protocol: 'mtproto',
      floodRules: [{ method: 'messages.sendMessage', scope: 'account', max: 2, perMs: 1000 }],
    })
    client = new TelegramClient(new StringSession(''), 1, 'hash', {
      ...gramjsOptions(cluster),
      baseLogger: new Logger(LogLevel.NONE),
    })
    if (wrap) wrapClient(client, { maxFloodWaitMs: 0 })
    else client.floodSleepThreshold = 0
    await loginGramjs(client, PHONE)
    const settled = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        Promise.race([
          (client as TelegramClient).sendMessage('me', { message: `m${i}` }).then(
            () => 'ok',
            (error: { errorMessage?: string; seconds?: number }) =>
              `error ${error.seconds !== undefined ? 'FLOOD' : error.errorMessage}`,
          ),
          new Promise<string>((resolve) => setTimeout(() => resolve('hung'), 4000)),
        ]),
      ),
    )
    return settled
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
