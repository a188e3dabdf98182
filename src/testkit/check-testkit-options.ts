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

/** Option names this version no longer reads, with what replaced them: never silently ignored. */
const RENAMED: Readonly<Record<string, string>> = {
  dropRate:
    'dropRate was split: dropRequestRate (the call never reaches the world) or dropAnswerRate (it took effect, its answer is lost)',
  max: 'a flood rule counts maxCalls (was max)',
  perMs: "a flood rule's window is windowMs (was perMs)",
  limit: 'a flood rule counts maxCalls (was limit)',
  waitSeconds: "a flood rule's fixed wait is waitMs (was waitSeconds)",
}

function refuseRenamed(owner: string, name: string, bag: Bag): void {
  for (const old of Object.keys(RENAMED)) {
    if (bag?.[old] !== undefined) throw new TypeError(`${owner}: ${name}.${old}: ${RENAMED[old]}`)
  }
}

/**
 * Checks a list of flood rules (`startCluster`'s and `startBotApiServer`'s): a rule with a missing
 * or misspelt count would refuse every call, or none, without a word.
 */
export function checkFloodRules(owner: string, rules: unknown): void {
  checkArray(owner, 'floodRules', rules, (o, name, rule) => {
    checkOptionsBag(o, rule, false)
    const bag = rule as Bag
    refuseRenamed(o, name, bag)
    for (const field of ['method', 'scope']) {
      if (bag?.[field] === undefined) throw new TypeError(`${o}: ${name}.${field} is required`)
    }
    checkString(o, `${name}.method`, bag?.method, true)
    checkOneOf(o, `${name}.scope`, bag?.scope, ['account', 'peer', 'method'])
    checkNumber(o, `${name}.maxCalls`, bag?.maxCalls, { min: 1, integer: true, required: true })
    checkNumber(o, `${name}.windowMs`, bag?.windowMs, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      required: true,
    })
    checkNumber(o, `${name}.waitMs`, bag?.waitMs, { min: 1, max: Number.MAX_SAFE_INTEGER })
    checkOneOf(o, `${name}.error`, bag?.error, ['FLOOD_WAIT', 'SLOWMODE_WAIT', 'FLOOD_PREMIUM_WAIT'])
  })
}

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
  checkFloodRules(owner, bag.floodRules)
  checkRates(owner, 'faults', bag.faults, ['internalErrorRate', 'timeoutRate', 'workerBusyRate'])
  refuseRenamed(owner, 'transportFaults', bag.transportFaults as Bag)
  checkRates(owner, 'transportFaults', bag.transportFaults, [
    'slowRate',
    'dropRequestRate',
    'dropAnswerRate',
    'halfFrameRate',
    'garbageRate',
    'gzipRate',
    'silenceRate',
  ])
  checkNumber(owner, 'transportFaults.slowMs', (bag.transportFaults as Bag)?.slowMs, FINITE_DURATION_MS)
}
