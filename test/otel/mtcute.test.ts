import { Long } from '@mtcute/core'
import { afterEach, describe, expect, it } from 'vitest'
import { mtcuteRecovery } from '../../src/adapters/mtcute/index.js'
import { ATTR, instrument, METRIC, SPAN_EVENT } from '../../src/otel/index.js'
import { worldServer } from '../../src/testkit/clients/mtcute-world.js'
import { World } from '../../src/testkit/world/index.js'
import { offlineMtcuteClient } from '../adapters/mtcute-offline-client.js'
import { FakeClock } from '../recovery/helpers.js'
import { OtelHarness } from './harness.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A real mtcute client, offline: our middleware, then a fake server answering from the world. */
describe('instrument(mtcuteRecovery(...)) with a real mtcute client', () => {
  it('traces a call that meets a flood wait, through the adapter', async () => {
    const harness = new OtelHarness()
    const clock = new FakeClock()
    const world = new World({
      accounts: { alice: { homeDcId: 2, authorizedOn: [1, 2] } },
      floodRules: [
        { method: 'messages.sendMessage', scope: 'peer', maxCalls: 1, windowMs: 60_000, waitMs: 2000 },
      ],
      now: () => clock.now(),
    })
    const server = worldServer({ world, account: 'alice', primaryDcId: 2 })
    const recovery = mtcuteRecovery({ clock, random: () => 0.5 })
    const stop = instrument(recovery, {
      tracerProvider: harness.tracerProvider,
      meterProvider: harness.meterProvider,
    })
    const tg = await offlineMtcuteClient(recovery, server)
    cleanups.push(async () => {
      stop()
      recovery.invoker.close()
      await tg.destroy()
      await harness.close()
    })
    const message = (text: string) => ({
      _: 'messages.sendMessage' as const,
      peer: { _: 'inputPeerSelf' as const },
      message: text,
      randomId: Long.fromNumber(Math.floor(Math.random() * 1e9)) as never,
    })

    await tg.call(message('one'))
    const second = tg.call(message('two'))
    await clock.advance(0)
    await clock.advance(2000)
    await expect(second).resolves.toMatchObject({ _: 'updateShortSentMessage' })

    const spans = harness.spans()
    expect(spans.map((span) => span.name)).toEqual(['messages.sendMessage', 'messages.sendMessage'])
    expect(spans[1]?.attributes).toMatchObject({
      [ATTR.outcome]: 'ok',
      [ATTR.attempts]: 2,
      [ATTR.waitedMs]: 2000,
    })
    expect(spans[1]?.events.map((event) => event.name)).toEqual([SPAN_EVENT.attemptFailed, SPAN_EVENT.wait])
    expect(await harness.value(METRIC.floodWaits, { [ATTR.rpcMethod]: 'messages.sendMessage' })).toBe(1)
    expect(await harness.value(METRIC.calls, { [ATTR.outcome]: 'ok' })).toBe(2)
  })
})
