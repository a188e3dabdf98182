/**
 * Checks of the testkit's options, made where they are given (`startCluster`, `connect`,
 * `createTestkitInvoker`), with the shared checker: a rate of `'0.5'` or a DC count of `NaN` fails
 * there with the option's name, not later as a cluster that behaves oddly.
 */
import {
  checkArray,
  checkFunction,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptionsBag,
  checkString,
  type NumberRule,
} from '../recovery/check-option.js'
import { DC_ID, DURATION_MS, FINITE_DURATION_MS } from '../recovery/check-options.js'

/** A probability. */
const RATE: NumberRule = { min: 0, max: 1 }
/** More DCs than this is a typo, not a test. */
const DC_COUNT: NumberRule = { min: 1, max: 100, integer: true }

type Bag = Readonly<Record<string, unknown>> | undefined

function checkRates(owner: string, name: string, value: unknown, rates: readonly string[]): void {
  checkObject(owner, name, value)
  const bag = value as Bag
  for (const rate of rates) checkNumber(owner, `${name}.${rate}`, bag?.[rate], RATE)
}

/** Checks the options of `connect` (and the same fields of `createTestkitInvoker`). */
export function checkConnectOptions(options: unknown, owner = 'connect'): void {
  checkOptionsBag(owner, options, true)
  const bag = options as Bag
  checkString(owner, 'account', bag?.account, true)
  checkNumber(owner, 'connectTimeoutMs', bag?.connectTimeoutMs, DURATION_MS)
  checkNumber(owner, 'defaultDcId', bag?.defaultDcId, DC_ID)
}

/** Checks the options of `startCluster`, plain or MTProto. */
export function checkClusterOptions(options: unknown, owner = 'startCluster'): void {
  checkOptionsBag(owner, options, true)
  const bag = options as Bag
  if (bag === undefined) return
  checkOneOf(owner, 'protocol', bag.protocol, ['plain', 'mtproto'])
  checkNumber(owner, 'dcCount', bag.dcCount, DC_COUNT)
  checkArray(owner, 'dcIds', bag.dcIds, (o, n, id) => checkNumber(o, n, id, { ...DC_ID, required: true }))
  checkNumber(owner, 'seed', bag.seed, { min: -(2 ** 53), max: 2 ** 53 })
  checkString(owner, 'host', bag.host, true)
  checkFunction(owner, 'now', bag.now)
  // The server limits (idleTimeoutMs, maxConnections, ...) are checked where both clusters resolve
  // them, resolveServerLimits: one rule for each, which also lets a timeout be Infinity.
  checkObject(owner, 'accounts', bag.accounts)
  checkRates(owner, 'faults', bag.faults, ['internalErrorRate', 'timeoutRate', 'workerBusyRate'])
  checkRates(owner, 'transportFaults', bag.transportFaults, [
    'slowRate',
    'dropRate',
    'halfFrameRate',
    'garbageRate',
    'gzipRate',
    'silenceRate',
  ])
  checkNumber(owner, 'transportFaults.slowMs', (bag.transportFaults as Bag)?.slowMs, FINITE_DURATION_MS)
}
