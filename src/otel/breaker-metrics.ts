import type { ObservableResult } from '@opentelemetry/api'
import type { BreakerPolicy } from '../recovery/breaker-policy.js'
import type { Unsubscribe } from '../recovery/events.js'
import { ATTR, METRIC } from './names.js'
import type { Instruments } from './options.js'

/** The gauge value of each circuit state: higher is worse, so `max` over DCs reads as the worst one. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const

/** The DC label: `home` while the home DC is not known yet. */
const dcLabel = (dcId: number | undefined): string => (dcId === undefined ? 'home' : String(dcId))

/** A gauge of every circuit's state (0 closed, 1 half-open, 2 open) and a counter of transitions. */
export function instrumentBreaker(breaker: BreakerPolicy, instruments: Instruments): Unsubscribe {
  const { meter } = instruments
  const state = meter.createObservableGauge(METRIC.breakerState, {
    description: 'State of each DC circuit: 0 closed, 1 half-open, 2 open',
    unit: '{state}',
  })
  const transitions = meter.createCounter(METRIC.breakerTransitions, {
    description: 'Circuit state changes, by DC and the state entered',
    unit: '{transition}',
  })
  const observe = (result: ObservableResult) => {
    for (const circuit of breaker.circuits()) {
      result.observe(BREAKER_STATE_VALUE[circuit.state], { [ATTR.dc]: dcLabel(circuit.dcId) })
    }
  }
  state.addCallback(observe)
  const unsubscribe = breaker.on('breaker', (event) => {
    transitions.add(1, { [ATTR.dc]: dcLabel(event.dcId), [ATTR.breakerState]: event.to })
  })
  return () => {
    unsubscribe()
    state.removeCallback(observe)
  }
}
