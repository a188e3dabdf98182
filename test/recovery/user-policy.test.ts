import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { followAccountHome, rememberFloodWaits } from '../../examples/own-policies.js'
import { detailsOf, FloodError, type RecoveryHooks } from '../../src/index.js'
import { engineOf } from '../../src/recovery/invoker.js'
import { capture, FakeClock, rpc, scriptedSend, setup } from './helpers.js'

const EXAMPLE = 'examples/own-policies.ts'

/** The code block docs/recovery.md shows right after the marker naming the example file. */
function blockInDocs(): string {
  const docs = readFileSync('docs/recovery.md', 'utf8')
  const marker = `<!-- the test of this block: ${EXAMPLE} -->`
  const at = docs.indexOf(marker)
  expect(at, `docs/recovery.md has no "${marker}"`).toBeGreaterThanOrEqual(0)
  const match = /```ts\n([\s\S]*?)```/.exec(docs.slice(at))
  if (match?.[1] === undefined) throw new Error('no ts block after the marker')
  return match[1]
}

function policies(hooks: RecoveryHooks = {}, clock = new FakeClock()) {
  return { clock, policies: [rememberFloodWaits, followAccountHome], homeDcId: 2, ...hooks }
}

describe('a policy written by a user, through the public contract alone', () => {
  it('is the code docs/recovery.md shows, word for word, importing only the package root', () => {
    const source = readFileSync(EXAMPLE, 'utf8')
    expect(blockInDocs()).toBe(source.replace("from '../src/index.js'", "from 'mtproto-errors'"))
    const from = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1])
    expect(from).toEqual(['../src/index.js'])
  })

  it('records a flood window, emits floodWait, and holds later calls until it ends', async () => {
    const clock = new FakeClock()
    const { send, sent } = scriptedSend(clock, (_request, index) => {
      if (index === 0) throw rpc(420, 'FLOOD_WAIT_30')
      return 'ok'
    })
    const { invoke, log } = setup({ ...policies({}, clock), send })
    const start = clock.now()
    const first = capture(invoke('messages.sendMessage', { text: 'a' }))
    await clock.advance(0)
    const second = capture(invoke('messages.sendMessage', { text: 'b' }))
    await clock.advance(29_999)
    expect(sent).toHaveLength(1)
    expect(first.settled || second.settled).toBe(false)
    expect(invoke.floodStore.get('default|messages.sendMessage', clock.now())).toBe(start + 30_000)
    await clock.advance(1)
    expect(first.value).toBe('ok')
    expect(second.value).toBe('ok')
    expect(sent.map((s) => s.at - start)).toEqual([0, 30_000, 30_000])
    expect(log.of('floodWait')).toMatchObject([
      { key: 'default|messages.sendMessage', waitMs: 30_000, willWait: true },
    ])
    expect(engineOf(invoke).gate.heldKeys).toBe(0)
    expect(clock.pending).toBe(0)
  })

  it('refuses at once, unsent, a call whose deadline ends inside the window', async () => {
    const clock = new FakeClock()
    const { send, sent } = scriptedSend(clock, (_request, index) => {
      if (index === 0) throw rpc(420, 'FLOOD_WAIT_30')
      return 'ok'
    })
    const { invoke } = setup({ ...policies({}, clock), send, deadlineMs: 10_000 })
    const first = capture(invoke('messages.sendMessage', {}))
    await clock.advance(0)
    expect(first.error).toBeInstanceOf(FloodError)
    expect(detailsOf(first.error)).toMatchObject({ giveUpReason: 'flood-wait-too-long' })
    const second = capture(invoke('messages.sendMessage', {}))
    await clock.advance(0)
    expect(second.error).toBeInstanceOf(FloodError)
    expect(sent).toHaveLength(1)
    expect(clock.pending).toBe(0)
  })

  it('lets an abort end a held call at once and release the key', async () => {
    const clock = new FakeClock()
    const { send } = scriptedSend(clock, (_request, index) => {
      if (index === 0) throw rpc(420, 'FLOOD_WAIT_30')
      return 'ok'
    })
    const { invoke } = setup({ ...policies({}, clock), send })
    const first = capture(invoke('messages.sendMessage', {}))
    await clock.advance(0)
    const controller = new AbortController()
    const held = capture(invoke('messages.sendMessage', {}, { signal: controller.signal }))
    await clock.advance(1_000)
    controller.abort(new Error('user left'))
    await clock.advance(0)
    expect(held.error).toMatchObject({ message: 'user left' })
    expect(first.settled).toBe(false)
    await clock.advance(29_000)
    expect(first.value).toBe('ok')
    expect(engineOf(invoke).gate.heldKeys).toBe(0)
  })

  it('moves the home DC once for concurrent redirects and repeats each call there', async () => {
    const clock = new FakeClock()
    const onHomeDcChange = vi.fn(async () => undefined)
    // Answers a turn later, so that both calls are in flight before the first redirect arrives.
    const { send, sent } = scriptedSend(clock, async (request) => {
      await Promise.resolve()
      if (request.dcId === 2) throw rpc(303, 'USER_MIGRATE_4')
      return `ok from ${request.dcId}`
    })
    const { invoke, log } = setup({ ...policies({ onHomeDcChange }, clock), send })
    const calls = [capture(invoke('users.getMe')), capture(invoke('help.getConfig'))]
    await clock.advance(0)
    expect(calls.map((c) => c.value)).toEqual(['ok from 4', 'ok from 4'])
    expect(invoke.homeDcId).toBe(4)
    expect(onHomeDcChange).toHaveBeenCalledTimes(1)
    expect(log.of('homeDcChange')).toMatchObject([{ fromDcId: 2, toDcId: 4, kind: 'USER' }])
    const later = capture(invoke('users.getMe'))
    await clock.advance(0)
    expect(later.value).toBe('ok from 4')
    expect(sent.map((s) => s.dcId)).toEqual([2, 2, 4, 4, 4])
  })

  it('does not follow a redirect to a DC outside knownDcIds', async () => {
    const clock = new FakeClock()
    const { send, sent } = scriptedSend(clock, () => {
      throw rpc(303, 'USER_MIGRATE_9')
    })
    const { invoke } = setup({ ...policies({}, clock), send })
    const call = capture(invoke('users.getMe'))
    await clock.advance(0)
    expect(detailsOf(call.error)).toMatchObject({ giveUpReason: 'unknown-dc' })
    expect(invoke.homeDcId).toBe(2)
    expect(sent).toHaveLength(1)
  })
})
