import { afterEach, describe, expect, it } from 'vitest'
import { BadRequestError, createInvoker, detailsOf } from '../../src/index.js'
import { connect, type PlainCluster, startPlainCluster } from '../../src/testkit/plain/index.js'

let cluster: PlainCluster | undefined

afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

/** The whole stack for real: engine -> transport -> TCP -> server -> TL -> decoder -> error model. */
describe('the recovery engine over the plain cluster', () => {
  it('follows USER_MIGRATE and FILE_MIGRATE, authorizes on the file DC, and reports a typo', async () => {
    cluster = await startPlainCluster({
      accounts: { alice: { homeDcId: 2, authorizedOn: [1, 2] } },
      files: { photo: 4 },
    })
    const transport = connect(cluster, { account: 'alice', defaultDcId: 1 })
    // Export on the home DC, import on the other: through the same invoker, so these calls are
    // recovered too.
    const invoke = createInvoker({
      send: (request) => transport.send(request),
      authorizeOn: async (dcId) => {
        const exported = (await invoke('auth.exportAuthorization', { dc_id: dcId })) as { bytes: string }
        await invoke('auth.importAuthorization', { bytes: exported.bytes }, { dcId })
      },
    })
    const migrations: unknown[] = []
    invoke.on('migrate', (event) => migrations.push(event))

    await expect(invoke('users.getFullUser')).resolves.toEqual({ id: 'alice' })
    expect(invoke.homeDcId).toBe(2)
    await expect(
      invoke('upload.getFile', { location: 'photo', offset: 0, limit: 512 }),
    ).resolves.toMatchObject({
      bytes: 512,
    })
    expect(cluster.world.isAuthorized('alice', 4)).toBe(true)
    expect(invoke.homeDcId).toBe(2)
    expect(migrations).toHaveLength(2)

    const typo = await invoke('account.updateProfile', { first_name: '' }).catch((e: unknown) => e)
    expect(typo).toBeInstanceOf(BadRequestError)
    expect(detailsOf(typo)?.field).toBe('first_name')
    expect(cluster.report().floodViolations).toBe(0)
    transport.close()
  })
})
