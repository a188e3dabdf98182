import type { ObservableResult } from '@opentelemetry/api'
import type { AccountPool } from '../pool/account-pool.js'
import type { Unsubscribe } from '../recovery/events.js'
import { ATTR, METRIC } from './names.js'
import type { Instruments } from './options.js'

/** Moves between accounts, by reason, and a gauge of live and dead accounts. */
export function instrumentPoolEvents(pool: AccountPool, instruments: Instruments): Unsubscribe {
  const { meter, methods } = instruments
  const moves = meter.createCounter(METRIC.poolMoves, {
    description: 'Pooled calls moved to another account, by the account left and why',
    unit: '{move}',
  })
  const accounts = meter.createObservableGauge(METRIC.poolAccounts, {
    description: 'Accounts of the pool, live or dead (session lost)',
    unit: '{account}',
  })
  const observe = (result: ObservableResult) => {
    let dead = 0
    const states = pool.accounts()
    for (const state of states) if (state.dead) dead++
    result.observe(states.length - dead, { [ATTR.poolAccountState]: 'live' })
    result.observe(dead, { [ATTR.poolAccountState]: 'dead' })
  }
  accounts.addCallback(observe)
  const unsubscribe = pool.on('reroute', (event) => {
    moves.add(1, {
      [ATTR.rpcMethod]: methods.of(event.method),
      ...(instruments.recordAccount && { [ATTR.account]: event.from }),
      [ATTR.poolReason]: event.reason,
    })
  })
  return () => {
    unsubscribe()
    accounts.removeCallback(observe)
  }
}
