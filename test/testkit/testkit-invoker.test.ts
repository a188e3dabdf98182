import { afterEach, describe, expect, it } from 'vitest'
import { BadRequestError, InvokerClosedError } from '../../src/index.js'
import { engineOf } from '../../src/recovery/invoker.js'
import {
  createTestkitInvoker,
  type PlainCluster,
  type ServedPlainCluster,
  startCluster,
  type TestkitInvoker,
  tallyRecovery,
} from '../../src/testkit/index.js'

let cluster: PlainCluster | undefined
let invoke: TestkitInvoker | undefined

afterEach(async () => {
  invoke?.close()
  invoke = undefined
  await cluster?.stop()
  cluster = undefined
})

describe('createTestkitInvoker', () => {
  it('is the three lines a bot author needs: migration and authorization handled', async () => {
    cluster = await startCluster({ accounts: { alice: { homeDcId: 2 } }, files: { photo: 4 } })
    invoke = createTestkitInvoker(cluster, { account: 'alice' })
    await expect(invoke('upload.getFile', { location: 'photo', limit: 512 })).resolves.toMatchObject({
      bytes: 512,
    })
    expect(invoke.homeDcId).toBe(2)
    expect(cluster.world.isAuthorized('alice', 4)).toBe(true)
  })

  it('starts on the wrong DC when told to, and follows USER_MIGRATE', async () => {
    cluster = await startCluster({ accounts: { alice: { homeDcId: 2, authorizedOn: [1, 2] } } })
    invoke = createTestkitInvoker(cluster, { account: 'alice', defaultDcId: 1 })
    expect(invoke.homeDcId).toBeUndefined()
    await expect(invoke('users.getFullUser')).resolves.toEqual({ id: 'alice' })
    expect(invoke.homeDcId).toBe(2)
  })

  it('counts what the engine did with tallyRecovery', async () => {
    cluster = await startCluster({
      accounts: { alice: { homeDcId: 3, authorizedOn: [1, 3] } },
      floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 2, windowMs: 1000 }],
    })
    invoke = createTestkitInvoker(cluster, { account: 'alice', defaultDcId: 1 })
    const tally = tallyRecovery(invoke)
    const sends = Array.from({ length: 4 }, (_, i) =>
      invoke?.('messages.sendMessage', { peer: 'bob', message: `hi ${i}` }),
    )
    await Promise.all(sends)
    await expect(invoke('account.updateProfile', { first_name: ' ' })).rejects.toBeInstanceOf(BadRequestError)
    const counts = tally.counts()
    expect(counts.migrations.USER).toBeGreaterThanOrEqual(1)
    expect(counts.homeDcChanges).toBe(1)
    expect(counts.floodWaits.slept).toBeGreaterThanOrEqual(1)
    expect(counts.floodWaits.sleptMs).toBeGreaterThan(0)
    expect(counts.giveUpsByCategory).toEqual({ BAD_REQUEST: 1 })
    expect(counts.giveUps).toEqual({ 'not-retryable': 1 })
    tally.stop()
    expect(engineOf(invoke).events.listenerCount()).toBe(0)
    expect(cluster.report().floodViolations).toBe(0)
  })

  it('closes its connections with the invoker', async () => {
    cluster = await startCluster({ accounts: { alice: { homeDcId: 1 } }, transportFaults: { slowRate: 1 } })
    invoke = createTestkitInvoker(cluster, { account: 'alice' })
    await invoke('users.getFullUser')
    expect(invoke.transport.openConnections).toBe(1)
    const pending = invoke('users.getFullUser')
    invoke.close()
    await expect(pending).rejects.toBeInstanceOf(InvokerClosedError)
    expect(invoke.transport.openConnections).toBe(0)
  })

  it('lets an option replace a default', async () => {
    cluster = await startCluster({ accounts: { alice: { homeDcId: 2 } }, files: { photo: 4 } })
    const asked: number[] = []
    invoke = createTestkitInvoker(cluster, {
      account: 'alice',
      homeDcId: 2,
      authorizeOn: (dcId) => {
        asked.push(dcId)
        cluster?.world.addAccount('alice', { homeDcId: 2, authorizedOn: [2, dcId] })
      },
    })
    await invoke('upload.getFile', { location: 'photo' })
    expect(asked).toEqual([4])
  })

  it('refuses a defaultDcId where the account is not logged in, saying how to set it up', async () => {
    cluster = await startCluster({ accounts: { alice: { homeDcId: 2 } } })
    const started = cluster
    expect(() => createTestkitInvoker(started, { account: 'alice', defaultDcId: 1 })).toThrow(
      /^createTestkitInvoker: defaultDcId 1: account 'alice' is not authorized on DC 1,.*authorizedOn: \[1, 2\]/,
    )
    expect(() => createTestkitInvoker(started, { account: 'carol' })).toThrow(/no account 'carol'/)
  })

  it('accepts a plain cluster in another process, as `serve --json` prints it', async () => {
    cluster = await startCluster({ accounts: { alice: { homeDcId: 2 } }, files: { photo: 1 } })
    // Only what crosses a process boundary: JSON, no world.
    const served = JSON.parse(
      JSON.stringify({
        protocol: 'plain',
        seed: 1,
        dcs: cluster.dcs.map(({ id, host, port }) => ({ id, host, port })),
        accounts: { alice: { homeDcId: 2 } },
      }),
    ) as ServedPlainCluster
    invoke = createTestkitInvoker(served, { account: 'alice' })
    expect(invoke.homeDcId).toBe(2)
    await expect(invoke('upload.getFile', { location: 'photo', limit: 16 })).resolves.toMatchObject({
      bytes: 16,
    })
  })

  it('rejects what it cannot talk to with a TypeError that says what to pass', async () => {
    const mtprotoLine = {
      protocol: 'mtproto',
      seed: 1,
      dcs: [{ id: 2, host: '127.0.0.1', port: 1 }],
      rsaPublicKeyPem: 'x',
    }
    expect(() => createTestkitInvoker(mtprotoLine as never)).toThrow(TypeError)
    expect(() => createTestkitInvoker(mtprotoLine as never)).toThrow(/MTProto cluster.*gramjsOptions/)
    for (const bad of [undefined, null, 'cluster', {}, { dcs: [] }, { dcs: [{ id: 'x' }] }]) {
      expect(() => createTestkitInvoker(bad as never)).toThrow(
        /createTestkitInvoker: .*serve --protocol plain --json|MTProto/,
      )
    }
  })
})
