import { Api, TelegramClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { describe, expect, it } from 'vitest'
import { wrapClient } from '../../src/adapters/gramjs/index.js'
import { ATTR, instrument, METRIC, SPAN_EVENT } from '../../src/otel/index.js'
import { attachWorld } from '../../src/testkit/clients/gramjs-world.js'
import { World } from '../../src/testkit/world/index.js'
import { FakeClock } from '../recovery/helpers.js'
import { OtelHarness } from './harness.js'

/** A real GramJS TelegramClient whose senders answer from the simulated world. */
describe('instrument(wrapClient(...)) with a real GramJS client', () => {
  it('traces a call that starts on the wrong DC: the USER_MIGRATE redirect and the final DC', async () => {
    const harness = new OtelHarness()
    const clock = new FakeClock()
    const world = new World({
      accounts: { alice: { homeDcId: 2, authorizedOn: [1, 2] } },
      now: () => clock.now(),
    })
    const client = new TelegramClient(new StringSession(''), 1, 'hash', {
      baseLogger: new Logger(LogLevel.NONE),
    })
    // The session starts on DC 1; the account lives on DC 2.
    client.session.setDC(1, '127.0.0.1', 443)
    const net = attachWorld(client, { world, account: 'alice' })
    const recovery = wrapClient(client, { clock, random: () => 0.5 })
    const stop = instrument(recovery, {
      tracerProvider: harness.tracerProvider,
      meterProvider: harness.meterProvider,
    })
    try {
      await client.invoke(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }))
      const spans = new Map(harness.spans().map((candidate) => [candidate.name, candidate]))
      expect([...spans.keys()].sort()).toEqual(['help.getConfig', 'users.getFullUser'])
      const span = spans.get('users.getFullUser')
      expect(span?.attributes).toMatchObject({
        [ATTR.outcome]: 'ok',
        [ATTR.attempts]: 2,
        [ATTR.dc]: 1,
        [ATTR.finalDc]: 2,
      })
      expect(span?.events.map((event) => event.name)).toEqual([SPAN_EVENT.attemptFailed, SPAN_EVENT.redirect])
      // GramJS's DC switch, run by the engine's home-DC hook during the call, is a call of its own
      // through the same invoker: its span is a child of the call that caused it.
      expect(spans.get('help.getConfig')?.parentSpanContext?.spanId).toBe(span?.spanContext().spanId)
      expect(await harness.value(METRIC.migrations, { [ATTR.migrateKind]: 'USER' })).toBe(1)
    } finally {
      stop()
      recovery.invoker.close()
      net.dispose()
      await harness.close()
    }
  })
})
