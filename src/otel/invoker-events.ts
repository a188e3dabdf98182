import type { Attributes } from '@opentelemetry/api'
import type { Unsubscribe } from '../recovery/events.js'
import type { Invoker } from '../recovery/invoker.js'
import type { CallStates } from './call-state.js'
import { scopeOfKey } from './flood-scope.js'
import { ATTR, METRIC, SPAN_EVENT } from './names.js'
import type { Instruments } from './options.js'
import { causeOf, errorTypeOf } from './outcome.js'

/**
 * Turns the engine's events into metrics, and into events on the span of the call they belong to.
 * Events that do not name the account get the invoker's.
 */
export function listenToInvoker(
  invoker: Pick<Invoker, 'on' | 'account'>,
  instruments: Instruments,
  states: CallStates,
): Unsubscribe {
  const { meter, methods, errorTypes } = instruments
  const floodWaits = meter.createCounter(METRIC.floodWaits, {
    description: 'Flood errors received from the server',
    unit: '{wait}',
  })
  const floodWaitDuration = meter.createHistogram(METRIC.floodWaitDuration, {
    description: 'Waits the server asked for in flood errors',
    unit: 's',
  })
  const held = meter.createCounter(METRIC.held, {
    description: 'Calls held locally until a known flood window ended, instead of being sent',
    unit: '{call}',
  })
  const refused = meter.createCounter(METRIC.refused, {
    description: 'Calls failed locally because a known flood window was longer than they would wait',
    unit: '{call}',
  })
  const retries = meter.createCounter(METRIC.retries, {
    description: 'Calls repeated after an internal or network failure',
    unit: '{retry}',
  })
  const migrations = meter.createCounter(METRIC.migrations, {
    description: 'Calls redirected by a 303',
    unit: '{redirect}',
  })
  const giveUps = meter.createCounter(METRIC.giveUps, {
    description: 'Calls the engine stopped trying, by reason',
    unit: '{call}',
  })
  const sessionsDead = meter.createCounter(METRIC.sessionsDead, {
    description: 'Authorizations lost (log in again)',
    unit: '{session}',
  })
  const speedLimit = meter.createCounter(METRIC.speedLimit, {
    description: 'FLOOD_PREMIUM_WAIT answers: the account is speed-limited',
    unit: '{wait}',
  })
  const storeErrors = meter.createCounter(METRIC.storeErrors, {
    description: 'Flood store operations that failed',
    unit: '{error}',
  })

  const labels = (method: string, account: string | undefined): Attributes => {
    const attributes: Attributes = { [ATTR.rpcMethod]: methods.of(method) }
    const label = account ?? invoker.account
    if (instruments.recordAccount && label !== undefined) attributes[ATTR.account] = label
    return attributes
  }

  const subscriptions: Unsubscribe[] = [
    invoker.on('floodWait', (event) => {
      const attributes = { ...labels(event.method, event.account), [ATTR.floodScope]: scopeOfKey(event.key) }
      floodWaits.add(1, attributes)
      floodWaitDuration.record(event.waitMs / 1000, attributes)
      const state = states.current()
      if (state === undefined) return
      state.span.addEvent(SPAN_EVENT.attemptFailed, {
        [ATTR.errorType]: errorTypeOf(event.error),
        ...(event.dcId !== undefined && { [ATTR.dc]: event.dcId }),
      })
      if (event.willWait) {
        state.waitedMs += event.waitMs
        state.span.addEvent(SPAN_EVENT.wait, { [ATTR.waitReason]: 'flood', [ATTR.waitMs]: event.waitMs })
      }
    }),
    invoker.on('floodWindowHit', (event) => {
      const attributes = labels(event.method, event.account)
      if (event.willWait) held.add(1, attributes)
      else refused.add(1, attributes)
      const state = states.current()
      if (state === undefined) return
      if (event.willWait) {
        state.waitedMs += event.remainingMs
        state.span.addEvent(SPAN_EVENT.wait, {
          [ATTR.waitReason]: 'flood-window',
          [ATTR.waitMs]: event.remainingMs,
        })
      } else {
        state.span.addEvent(SPAN_EVENT.refused, { [ATTR.waitMs]: event.remainingMs })
      }
    }),
    invoker.on('retry', (event) => {
      retries.add(1, { ...labels(event.method, undefined), [ATTR.retryCause]: causeOf(event.error) })
      const state = states.current()
      if (state === undefined) return
      state.waitedMs += event.delayMs
      state.span.addEvent(SPAN_EVENT.attemptFailed, {
        [ATTR.attempt]: event.attempt,
        [ATTR.errorType]: errorTypeOf(event.error),
        ...(event.dcId !== undefined && { [ATTR.dc]: event.dcId }),
      })
      state.span.addEvent(SPAN_EVENT.wait, { [ATTR.waitReason]: 'backoff', [ATTR.waitMs]: event.delayMs })
    }),
    invoker.on('migrate', (event) => {
      migrations.add(1, { ...labels(event.method, undefined), [ATTR.migrateKind]: event.kind })
      const state = states.current()
      if (state === undefined) return
      state.dcId = event.toDcId
      state.span.addEvent(SPAN_EVENT.attemptFailed, {
        [ATTR.errorType]: errorTypeOf(event.error),
        ...(event.fromDcId !== undefined && { [ATTR.dc]: event.fromDcId }),
      })
      state.span.addEvent(SPAN_EVENT.redirect, { [ATTR.toDc]: event.toDcId, [ATTR.migrateKind]: event.kind })
    }),
    invoker.on('giveUp', (event) => {
      giveUps.add(1, { ...labels(event.method, undefined), [ATTR.giveUpReason]: event.reason })
    }),
    invoker.on('sessionDead', (event) => {
      const attributes: Attributes = { [ATTR.sessionReason]: errorTypes.of(event.reason) }
      if (instruments.recordAccount) attributes[ATTR.account] = event.account
      sessionsDead.add(1, attributes)
      states.current()?.span.addEvent(SPAN_EVENT.sessionDead, { [ATTR.sessionReason]: event.reason })
    }),
    invoker.on('speedLimit', (event) => {
      speedLimit.add(1, labels(event.method, event.account))
      states.current()?.span.addEvent(SPAN_EVENT.speedLimit, { [ATTR.waitMs]: event.waitMs })
    }),
    // The call that ran the re-authorization gets the event; calls that waited for the same one
    // (a single flight per DC) do not, though their repeat is counted in their attempts.
    invoker.on('authorize', (event) => {
      if (event.phase === 'start') return
      states.current()?.span.addEvent(SPAN_EVENT.authorize, {
        [ATTR.dc]: event.dcId,
        [ATTR.authorizeResult]: event.phase,
        [ATTR.waitMs]: event.durationMs ?? 0,
      })
    }),
    invoker.on('storeError', () => {
      storeErrors.add(1, { [ATTR.storeOperation]: 'record' })
    }),
  ]
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe()
  }
}
