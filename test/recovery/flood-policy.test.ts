import { describe, expect, it } from 'vitest'
import { detailsOf, FloodError, MemoryFloodStore } from '../../src/index.js'
import { engineOf } from '../../src/recovery/invoker.js'
import { capture, catalogOf, rpc, scriptedSend, sequence, setup } from './helpers.js'

describe('420 FLOOD: waits that fit the budget', () => {
  it('sleeps through FLOOD_WAIT_X and repeats, recording the window', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_5')], 'sent')
    const start = clock.now()
    const result = capture(invoke('messages.sendMessage', { peer: 1, message: 'hi' }))
    await clock.advance(4_999)
    expect(result.settled).toBe(false)
    expect(transport.sent).toHaveLength(1)
    await clock.advance(1)
    expect(result.value).toBe('sent')
    expect(transport.sent.map((s) => s.at - start)).toEqual([0, 5_000])
    const [wait] = log.of('floodWait')
    expect(wait).toMatchObject({ method: 'messages.sendMessage', waitMs: 5_000, willWait: true })
    expect(wait?.retryAt).toBe(start + 5_000)
    expect(clock.pending).toBe(0)
  })

  it('treats FLOOD_WAIT_0 as a short pause, not a busy loop', async () => {
    // Unpaced, so the repeats show the pause alone (a paced key adds its learned spacing).
    const { clock, invoke } = setup({ send: (r) => transport.send(r), pacing: false })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_0'), rpc(420, 'FLOOD_WAIT_0')])
    const result = capture(invoke('contacts.resolveUsername', { username: 'a' }))
    await clock.advance(2_000)
    expect(result.value).toBe('ok')
    expect(transport.sent.map((s) => s.at - transport.sent[0]!.at)).toEqual([0, 1_000, 2_000])
  })

  it('sleeps FLOOD_PREMIUM_WAIT too, and emits speedLimit for an upsell', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, 'FLOOD_PREMIUM_WAIT_3')])
    const result = capture(invoke('upload.saveBigFilePart', { file_id: 1n, file_part: 0 }))
    await clock.advance(3_000)
    expect(result.value).toBe('ok')
    expect(log.of('speedLimit')).toEqual([
      expect.objectContaining({ method: 'upload.saveBigFilePart', waitMs: 3_000 }),
    ])
  })

  it('bounds the waits slept through in one unpaced call (maxFloodWaits)', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), maxFloodWaits: 2, pacing: false })
    const transport = scriptedSend(clock, () => {
      throw rpc(420, 'FLOOD_WAIT_1')
    })
    const result = capture(invoke('m.x', {}))
    await clock.advance(10_000)
    expect(result.error).toBeInstanceOf(FloodError)
    expect(transport.sent).toHaveLength(3)
    expect(detailsOf(result.error)?.giveUpReason).toBe('flood-waits-exhausted')
  })
})

describe('420 FLOOD: waits that do not fit', () => {
  it('throws at once with retryAt when the wait exceeds maxFloodWaitMs', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_120')])
    const started = clock.now()
    const error = await invoke('m.x', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FloodError)
    expect((error as FloodError).seconds).toBe(120)
    expect(detailsOf(error)).toMatchObject({
      retryAt: started + 120_000,
      giveUpReason: 'flood-wait-too-long',
    })
    expect(clock.now()).toBe(started)
    expect(log.of('floodWait')[0]?.willWait).toBe(false)
  })

  it('honours a per-call maxFloodWaitMs', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, () => {
      throw rpc(420, 'FLOOD_WAIT_10')
    })
    const error = await invoke('m.x', { a: 1 }, { maxFloodWaitMs: 5_000 }).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('flood-wait-too-long')
    expect(transport.sent).toHaveLength(1)
  })

  it('throws at once when the deadline is shorter than the wait', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_30')])
    const started = clock.now()
    const error = await invoke('m.x', {}, { deadlineMs: 10_000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FloodError)
    expect(detailsOf(error)).toMatchObject({ giveUpReason: 'deadline', retryAt: started + 30_000 })
    expect(clock.now()).toBe(started)
    expect(clock.pending).toBe(0)
  })

  it('lets a call opt out of flood handling, still recording the window', async () => {
    const store = new MemoryFloodStore()
    const { clock, invoke } = setup({ send: (r) => transport.send(r), floodStore: store })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_2')])
    const error = await invoke('m.x', {}, { handle: { flood: false } }).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('opted-out')
    expect(store.size).toBe(1)
  })
})

describe('420s that are not waits', () => {
  it.each([
    // The story quotas and PREMIUM_SUB_ACTIVE_UNTIL carry a unix time (the fake clock starts at 1.7e12 ms).
    ['FROZEN_METHOD_INVALID', undefined],
    ['STORY_SEND_FLOOD_WEEKLY_1700003600', 3_600_000],
    ['STORY_SEND_FLOOD_MONTHLY_1700086400', 86_400_000],
    ['PREMIUM_SUB_ACTIVE_UNTIL_1900000000', 200_000_000_000],
  ])('%s goes to the caller at once', async (type, retryInMs) => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, type)])
    const error = await invoke('stories.sendStory', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FloodError)
    expect(transport.sent).toHaveLength(1)
    const details = detailsOf(error)
    expect(details?.giveUpReason).toBe('not-retryable')
    expect(details?.retryAt).toBe(retryInMs === undefined ? undefined : clock.now() + retryInMs)
  })

  it('surfaces FLOOD_WAIT_X_OR_STARS_Y as a choice, both numbers parsed, not slept on', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_30_OR_STARS_50')])
    const error = (await invoke('messages.sendMessage', {}).catch((e: unknown) => e)) as FloodError
    expect(error.params).toEqual({ seconds: 30, stars: 50 })
    expect(detailsOf(error)).toMatchObject({ giveUpReason: 'flood-choice', retryAt: clock.now() + 30_000 })
    expect(transport.sent).toHaveLength(1)
  })

  it('gives an unknown 420 without a wait to the caller', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, 'SOME_NEW_LIMIT')])
    await expect(invoke('m.x', {})).rejects.toBeInstanceOf(FloodError)
    expect(transport.sent).toHaveLength(1)
  })
})

describe('the flood store and the gate', () => {
  it('holds a later call with the same key locally until the window ends', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), maxFloodWaitMs: 1_000 })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_20')])
    const started = clock.now()
    await expect(invoke('m.x', { q: 1 })).rejects.toBeInstanceOf(FloodError)
    const later = capture(invoke('m.x', { q: 1 }, { maxFloodWaitMs: 60_000 }))
    await clock.advance(19_999)
    expect(transport.sent).toHaveLength(1)
    await clock.advance(1)
    expect(later.value).toBe('ok')
    expect(transport.sent[1]?.at).toBe(started + 20_000)
    expect(log.of('floodWindowHit')[0]).toMatchObject({ remainingMs: 20_000, willWait: true })
  })

  it('fails fast, without touching the server, when the window is longer than the budget', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), maxFloodWaitMs: 1_000 })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_20')])
    const started = clock.now()
    await expect(invoke('m.x', { q: 1 })).rejects.toBeInstanceOf(FloodError)
    await clock.advance(5_000)
    const error = await invoke('m.x', { q: 1 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FloodError)
    expect((error as FloodError).seconds).toBe(15)
    expect(detailsOf(error)).toMatchObject({ fromStore: true, retryAt: started + 20_000, attempts: [] })
    expect(transport.sent).toHaveLength(1)
  })

  it('lets calls with other keys through', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), maxFloodWaitMs: 0 })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_20')])
    await expect(invoke('m.x', { q: 1 })).rejects.toBeInstanceOf(FloodError)
    await expect(invoke('m.x', { q: 2 })).resolves.toBe('ok')
    await expect(invoke('m.y', { q: 1 })).resolves.toBe('ok')
  })

  it('keeps concurrent calls to a flooded key away from send until the window ends, on one timer', async () => {
    // Unpaced: all are released together when the window ends (pacing spaces them: pacing.test.ts).
    const { clock, invoke } = setup({ send: (r) => transport.send(r), pacing: false })
    let flooded = false
    const transport = scriptedSend(clock, () => {
      if (flooded) return 'ok'
      flooded = true
      throw rpc(420, 'FLOOD_WAIT_10')
    })
    const started = clock.now()
    const first = capture(invoke('m.x', { q: 1 }))
    await clock.advance(0)
    const others = Array.from({ length: 20 }, () => capture(invoke('m.x', { q: 1 })))
    await clock.advance(1)
    // The first call and every newcomer wait on the same key: one timer for all of them.
    expect(clock.pending).toBe(1)
    await clock.advance(9_998)
    expect(transport.sent).toHaveLength(1)
    await clock.advance(1)
    expect(first.value).toBe('ok')
    expect(others.every((o) => o.value === 'ok')).toBe(true)
    expect(transport.sent.slice(1).every((s) => s.at === started + 10_000)).toBe(true)
    expect(clock.pending).toBe(0)
  })

  it('wakes a call aborted in the middle of a flood wait at once, releasing its timers', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_30')])
    const controller = new AbortController()
    const result = capture(invoke('m.x', {}, { signal: controller.signal }))
    await clock.advance(10_000)
    expect(clock.pending).toBeGreaterThan(0)
    const reason = new Error('user left')
    controller.abort(reason)
    await clock.advance(0)
    expect(result.error).toBe(reason)
    expect(clock.pending).toBe(0)
    expect(engineOf(invoke).gate.heldKeys).toBe(0)
    expect(transport.sent).toHaveLength(1)
  })

  it('keys SLOWMODE_WAIT by peer: another chat is not held back', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), maxFloodWaitMs: 0 })
    const transport = scriptedSend(clock, (request) => {
      if ((request.params as { message: string }).message === 'first') throw rpc(420, 'SLOWMODE_WAIT_60')
      return 'ok'
    })
    await expect(invoke('messages.sendMessage', { peer: 'A', message: 'first' })).rejects.toBeInstanceOf(
      FloodError,
    )
    const same = await invoke('messages.sendMessage', { peer: 'A', message: 'second' }).catch(
      (e: unknown) => e,
    )
    expect(detailsOf(same)?.fromStore).toBe(true)
    await expect(invoke('messages.sendMessage', { peer: 'B', message: 'second' })).resolves.toBe('ok')
    expect(transport.sent).toHaveLength(2)
  })

  it('uses the catalogue scope, and a floodScopeOf override, over the params default', async () => {
    const { clock, invoke } = setup({
      send: (r) => transport.send(r),
      maxFloodWaitMs: 0,
      catalog: catalogOf({ 'FLOOD_WAIT_%d': { codes: [420], action: 'wait', scope: 'method' } }),
    })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_9')])
    await expect(invoke('contacts.resolveUsername', { username: 'a' })).rejects.toBeInstanceOf(FloodError)
    const other = await invoke('contacts.resolveUsername', { username: 'b' }).catch((e: unknown) => e)
    expect(detailsOf(other)?.fromStore).toBe(true)

    const custom = setup({
      send: (r) => customSend.send(r),
      maxFloodWaitMs: 0,
      floodScopeOf: () => 'account',
    })
    const customSend = sequence(custom.clock, [rpc(420, 'FLOOD_WAIT_9')])
    await expect(custom.invoke('a.b', {})).rejects.toBeInstanceOf(FloodError)
    const anyMethod = await custom.invoke('c.d', {}).catch((e: unknown) => e)
    expect(detailsOf(anyMethod)?.fromStore).toBe(true)
  })

  it('reports an asynchronous store failure as an event, not as a call failure', async () => {
    const failing = {
      size: 0,
      get: () => undefined,
      record: () => Promise.reject(new Error('redis down')),
    }
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), floodStore: failing })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_1')])
    const result = capture(invoke('m.x', {}))
    await clock.advance(1_000)
    expect(result.value).toBe('ok')
    expect(log.of('storeError')[0]?.key).toMatch(/^default\|m\.x\|params=#[0-9a-f]{16}$/)
  })
})
