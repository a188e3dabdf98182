import { describe, expect, it } from 'vitest'
import { wrapClient } from '../../src/adapters/gramjs/index.js'
import { mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import type { GiveUpEvent, Invoker, SessionDeadEvent } from '../../src/index.js'
import { loginGramjs, loginMtcute } from '../../src/testkit/clients.js'
import { useRealClients } from './real-clients.js'

const PHONE = '9996620001'

/** Every sessionDead and giveUp of an invoker, from now on. */
function watch(invoker: Invoker) {
  const dead: SessionDeadEvent[] = []
  const giveUps: GiveUpEvent[] = []
  invoker.on('sessionDead', (event) => dead.push(event))
  invoker.on('giveUp', (event) => giveUps.push(event))
  return { dead, giveUps }
}

/**
 * A fresh client asks before it signs in (GramJS `updates.getState`, mtcute `users.getUsers`) and
 * gets 401 AUTH_KEY_UNREGISTERED: that is "not logged in yet", not a dead session. Real clients over
 * real MTProto, against the testkit's server.
 */
describe('a normal fresh login is no dead session', () => {
  const clients = useRealClients()

  it('GramJS with the adapter: no sessionDead, no session-dead give-up', async () => {
    const client = await clients.gramjs()
    const { invoker } = wrapClient(client)
    const { dead, giveUps } = watch(invoker)
    await loginGramjs(client, PHONE)
    const me = await client.getMe()
    expect(String(me.phone)).toBe(PHONE)
    expect(dead).toEqual([])
    expect(giveUps.map((g) => g.reason)).not.toContain('session-dead')
    // GramJS connects to DC 4 first (its default), where the fresh key meets its 401.
    const unauthorized = giveUps.filter((g) => g.reason === 'not-authorized')
    expect(unauthorized.length).toBeGreaterThan(0)
    for (const giveUp of unauthorized) expect(giveUp.dcId).toBe(4)
    expect(invoker.authorized).toBe(true)
  }, 30_000)

  it('mtcute with the adapter: no sessionDead; the pre-login 401 says where it came from', async () => {
    const recovery = mtcuteRecovery()
    const client = await clients.mtcute(recovery.middlewares)
    const { dead, giveUps } = watch(recovery.invoker)
    const me = await loginMtcute(client, PHONE)
    expect(me.phoneNumber).toBe(PHONE)
    expect(dead).toEqual([])
    const unauthorized = giveUps.filter((g) => g.reason === 'not-authorized')
    expect(unauthorized.length).toBeGreaterThan(0)
    for (const giveUp of unauthorized) expect(giveUp.dcId).toBe(2)
    expect(giveUps.map((g) => g.reason)).not.toContain('session-dead')
  }, 30_000)
})
