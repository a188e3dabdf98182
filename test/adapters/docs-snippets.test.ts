import { Api } from 'telegram'
import { describe, expect, it } from 'vitest'
import { wrapClient } from '../../src/adapters/gramjs/index.js'
import { mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import { detailsOf, explain } from '../../src/index.js'
import { loginGramjs, loginMtcute } from '../../src/testkit/clients.js'
import { useRealClients } from './real-clients.js'

/** The calls docs/adapters.md shows, run against the MTProto testkit with real clients. */
describe('docs/adapters.md snippets', () => {
  const clients = useRealClients()

  it('GramJS: the error keeps its GramJS shape and carries the field and user message', async () => {
    const client = await clients.gramjs()
    const recovery = wrapClient(client, { maxFloodWaitMs: 30_000 })
    await loginGramjs(client)
    const error = await client
      .invoke(new Api.contacts.ResolveUsername({ username: 'nobody_has_this' }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ errorMessage: 'USERNAME_NOT_OCCUPIED' })
    expect(detailsOf(error)?.field).toBe('username')
    expect(detailsOf(error)?.userMessage).toBe('No one on Telegram uses this username.')
    recovery.unwrap()
  }, 30_000)

  it('mtcute: explain() reads the field and user message from mtcute’s own error', async () => {
    const recovery = mtcuteRecovery({ maxFloodWaitMs: 30_000 })
    const tg = await clients.mtcute(recovery.middlewares)
    await loginMtcute(tg)
    const error = await tg
      .call({ _: 'contacts.resolveUsername', username: 'nobody_has_this' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ text: 'USERNAME_NOT_OCCUPIED' })
    expect(explain(error).field).toBe('username')
    expect(explain(error).userMessage).toBe('No one on Telegram uses this username.')
  }, 30_000)
})
