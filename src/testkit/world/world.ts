import { FloodLimiter, type FloodNotice, type FloodRule } from './flood-limiter.js'
import { METHODS } from './methods/index.js'
import { createRandom, type Random } from './random.js'
import {
  type AccountSpec,
  DEFAULT_FLOOD_RULES,
  type FloodViolation,
  type WorldCall,
  type WorldOptions,
  type WorldOutcome,
  type WorldStats,
} from './world-options.js'
import { WorldState } from './world-state.js'

/**
 * The simulated Telegram, as far as errors are concerned: accounts with home DCs, phones, files and
 * statistics living on DCs, authorization per DC, flood limits that calls inside a wait extend,
 * input checks, and seeded internal failures. Protocol-free: the plain and the MTProto clusters both
 * ask it what to answer, and both expose it as `cluster.world`.
 *
 * Each call is checked here (method known, account logged in on this DC and at home, seeded fault,
 * flood limit) before the method table (`methods/`) runs it against the state (`WorldState`).
 */
export class World {
  /** DC ids of the cluster. */
  readonly dcIds: readonly number[]
  /** The seeded source of every random decision, shared with the cluster's transport faults. */
  readonly random: Random
  /** The server's clock, epoch ms. */
  readonly now: () => number
  /** What the world answered so far. */
  readonly stats: WorldStats = {
    calls: 0,
    ok: 0,
    errorsByType: {},
    floodViolations: 0,
    floodViolationsStrict: 0,
    floodRefusedInFlight: 0,
    migrations: 0,
    injectedFaults: 0,
  }
  /** Every flood violation, oldest first: who sent which call into a wait it had seen. */
  readonly violations: FloodViolation[] = []
  private readonly state: WorldState
  private readonly flood: FloodLimiter

  constructor(readonly options: WorldOptions = {}) {
    this.dcIds = options.dcIds ?? [1, 2, 3, 4, 5]
    this.random = createRandom(options.seed ?? 1)
    this.now = options.now ?? Date.now
    this.flood = new FloodLimiter(options.floodRules ?? DEFAULT_FLOOD_RULES)
    this.state = new WorldState(
      this.dcIds,
      options.loginCode ?? '12345',
      options.statsDcs ?? {},
      options.networkMigrations ?? {},
    )
    for (const [name, spec] of Object.entries(options.accounts ?? {})) this.addAccount(name, spec)
    for (const [location, dcId] of Object.entries(options.files ?? {})) this.addFile(location, dcId)
  }

  /** Adds an account (or replaces one) while the world runs. */
  addAccount(name: string, spec: AccountSpec): void {
    this.state.addAccount(name, spec)
  }

  /** Stores a file on a DC while the world runs: `upload.getFile` elsewhere gets FILE_MIGRATE_X. */
  addFile(location: string, dcId: number): void {
    this.state.addFile(location, dcId)
  }

  /** Ends an account's authorization everywhere: its next call gets 401 SESSION_REVOKED. */
  revoke(account: string): void {
    this.state.revoke(account)
  }

  /** Moves an account to another home DC (as Telegram occasionally does), keeping its authorizations. */
  moveAccount(account: string, homeDcId: number): void {
    this.state.setHomeDc(account, homeDcId)
  }

  /** Whether `account` is logged in on `dcId`. */
  isAuthorized(account: string, dcId: number): boolean {
    return this.state.isAuthorized(account, dcId)
  }

  /**
   * Logs `account` in on `dcId`, as a sign-in or an import there does. For protocols that keep
   * the authorization themselves (an MTProto auth key bound to an account) and tell the world.
   */
  authorize(account: string, dcId: number): void {
    this.state.authorize(account, dcId)
  }

  /** The home DC of an account, if it exists. */
  homeDcIdOf(account: string): number | undefined {
    return this.state.account(account)?.homeDcId
  }

  /** Answers one call and counts what it answered. */
  handle(call: WorldCall): WorldOutcome {
    this.stats.calls++
    const violationsBefore = this.flood.violations
    const outcome = this.decide(call)
    if (outcome.kind === 'ok') this.stats.ok++
    else {
      const type = outcome.message.split(':')[0] ?? outcome.message
      const counted = type.replace(/\d+/g, 'X')
      this.stats.errorsByType[counted] = (this.stats.errorsByType[counted] ?? 0) + 1
      if (outcome.code === 303) this.stats.migrations++
    }
    if (this.flood.violations > violationsBefore) {
      this.violations.push({
        account: call.account,
        method: call.method,
        dcId: call.dcId,
        receivedAt: this.now(),
      })
    }
    this.stats.floodViolations = this.flood.violations
    this.stats.floodViolationsStrict = this.flood.strictViolations
    this.stats.floodRefusedInFlight = this.flood.refusedInFlight
    return outcome
  }

  /**
   * Tells the world that a flood refusal (an outcome with `floodKey`) reached its client: from then
   * on, calls from that client under the same key inside the wait are violations. A refusal lost
   * on the way (a dropped connection) never informed anyone.
   */
  noticeDelivered(floodKey: string, notice: FloodNotice): void {
    this.flood.noticeDelivered(floodKey, notice, this.now())
  }

  private decide(call: WorldCall): WorldOutcome {
    const spec = METHODS[call.method]
    if (spec === undefined) return { kind: 'error', code: 400, message: 'INPUT_METHOD_INVALID' }
    const refusal = spec.needsAccount ? this.checkAccount(call, spec.homeOnly) : undefined
    if (refusal !== undefined) return refusal
    const fault = this.injectFault(call.method)
    if (fault !== undefined) return fault
    const rule = this.flood.ruleFor(call.method)
    if (rule !== undefined) {
      const key = floodKeyOf(rule.scope, call)
      const decision = this.flood.check(rule, key, this.now(), call.receipt)
      if (!decision.allowed)
        return {
          kind: 'error',
          code: 420,
          message: `${rule.error ?? 'FLOOD_WAIT'}_${decision.seconds}`,
          floodKey: key,
        }
    }
    return spec.run(this.state, call)
  }

  /** The 401 or 303 a call that needs an account gets, if any. */
  private checkAccount(call: WorldCall, homeOnly: boolean): WorldOutcome | undefined {
    const { account } = call
    const spec = account === undefined ? undefined : this.state.account(account)
    if (account === undefined || spec === undefined)
      return { kind: 'error', code: 401, message: 'AUTH_KEY_UNREGISTERED' }
    if (this.state.isRevoked(account)) return { kind: 'error', code: 401, message: 'SESSION_REVOKED' }
    if (!this.state.isAuthorized(account, call.dcId))
      return { kind: 'error', code: 401, message: 'AUTH_KEY_UNREGISTERED' }
    if (homeOnly && call.dcId !== spec.homeDcId)
      return { kind: 'error', code: 303, message: `USER_MIGRATE_${spec.homeDcId}` }
    return undefined
  }

  private injectFault(method: string): WorldOutcome | undefined {
    const faults = this.options.faults?.byMethod?.[method] ?? this.options.faults
    if (faults === undefined) return undefined
    // One roll per call, cut into consecutive bands, so each rate means what it says.
    const roll = this.random()
    const internal = faults.internalErrorRate ?? 0
    const timeout = internal + (faults.timeoutRate ?? 0)
    const busy = timeout + (faults.workerBusyRate ?? 0)
    let fault: WorldOutcome | undefined
    if (roll < internal) fault = { kind: 'error', code: 500, message: 'INTERNAL_SERVER_ERROR' }
    else if (roll < timeout) fault = { kind: 'error', code: -503, message: 'Timeout' }
    else if (roll < busy) fault = { kind: 'error', code: 500, message: 'WORKER_BUSY_TOO_LONG_RETRY' }
    if (fault !== undefined) this.stats.injectedFaults++
    return fault
  }
}

/** The key a flood rule counts a call under. */
function floodKeyOf(scope: FloodRule['scope'], call: WorldCall): string {
  const peer = call.params.peer ?? call.params.channel ?? call.params.chat_id
  switch (scope) {
    case 'method':
      return call.method
    case 'account':
      return `${call.method}|${call.account}`
    case 'peer':
      return `${call.method}|${call.account}|${String(peer)}`
  }
}

/** The methods the simulated world knows. */
export const WORLD_METHODS: readonly string[] = Object.keys(METHODS)
