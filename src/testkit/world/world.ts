import { type ClientReceipt, FloodLimiter, type FloodNotice, type FloodRule } from './flood-limiter.js'
import { createRandom, type Random } from './random.js'

/** One call as the simulated server sees it, whatever protocol carried it. */
export interface WorldCall {
  /** The DC that received the call. */
  readonly dcId: number
  /** The account the connection is logged in as, if the client says or the key is bound. */
  readonly account: string | undefined
  /** TL method name, such as `messages.sendMessage`. */
  readonly method: string
  readonly params: Readonly<Record<string, unknown>>
  /**
   * What the client had received when it sent the call, so a call sent before a flood refusal
   * reached it is not counted as a violation. Without it the client is taken to know every refusal.
   */
  readonly receipt?: ClientReceipt
}

/** What the world answers: a plain result value or an rpc_error. */
export type WorldOutcome =
  | { readonly kind: 'ok'; readonly value: unknown }
  | {
      readonly kind: 'error'
      readonly code: number
      readonly message: string
      /** For flood refusals: the limiter's key, to pass to `World.noticeDelivered` once delivered. */
      readonly floodKey?: string
    }

/** An account of the simulated world. */
export interface AccountSpec {
  /** The DC the account lives on: calls elsewhere get USER_MIGRATE_X. */
  readonly homeDc: number
  /** Phone number (digits); `auth.sendCode` on another DC gets PHONE_MIGRATE_X. */
  readonly phone?: string
  /** DCs where the account starts authorized; its home DC by default. */
  readonly authorizedOn?: readonly number[]
  /** The login code this account's phone accepts, instead of the world's `loginCode`. */
  readonly loginCode?: string
  /** For bots: the token `auth.importBotAuthorization` signs in with. */
  readonly botToken?: string
}

/** Server-side failures injected at random, each a probability per call in [0, 1]. */
export interface RpcFaults {
  /** 500 INTERNAL_SERVER_ERROR. */
  readonly internalErrorRate?: number
  /** -503 Timeout. */
  readonly timeoutRate?: number
  /** 500 WORKER_BUSY_TOO_LONG_RETRY. */
  readonly workerBusyRate?: number
  /**
   * Rates for single methods, in place of the ones above: a service having a bad day
   * (`{ 'stats.getBroadcastStats': { internalErrorRate: 1 } }`).
   */
  readonly byMethod?: Readonly<Record<string, Omit<RpcFaults, 'byMethod'>>>
}

/** Everything a test can configure about the simulated world. */
export interface WorldOptions {
  /** DC ids of the cluster; `[1, 2, 3, 4, 5]` by default. */
  readonly dcIds?: readonly number[]
  readonly accounts?: Readonly<Record<string, AccountSpec>>
  /** File id -> the DC that stores it (FILE_MIGRATE_X elsewhere). */
  readonly files?: Readonly<Record<string, number>>
  /** Channel -> the DC that serves its statistics (STATS_MIGRATE_X elsewhere). */
  readonly statsDcs?: Readonly<Record<string, number>>
  /** DC -> the DC that `auth.sendCode` from there is sent on to (NETWORK_MIGRATE_X). */
  readonly networkMigrations?: Readonly<Record<number, number>>
  readonly floodRules?: readonly FloodRule[]
  readonly faults?: RpcFaults
  /** Seed of every random decision, so a run can be repeated exactly. */
  readonly seed?: number
  /** The server's clock in ms; `Date.now` by default. */
  readonly now?: () => number
  /** The login code every test phone accepts. */
  readonly loginCode?: string
}

/** Counters of what the world did, for the server-side report. */
export interface WorldStats {
  calls: number
  ok: number
  errorsByType: Record<string, number>
  /** Calls sent inside an open wait by a client that had seen it (see `receipt`). */
  floodViolations: number
  /**
   * Calls that arrived inside an open wait at all, whatever their client had seen: the strict
   * reading, the one a protocol without receipts gets.
   */
  floodViolationsStrict: number
  /** Calls refused inside an open wait their client had not received yet: not violations. */
  floodRefusedInFlight: number
  migrations: number
  injectedFaults: number
}

/** The default flood rules: two ordinary limits and a slow-mode chat, enough for a realistic run. */
export const DEFAULT_FLOOD_RULES: readonly FloodRule[] = [
  { method: 'messages.sendMessage', scope: 'peer', max: 5, perMs: 2000 },
  { method: 'contacts.resolveUsername', scope: 'account', max: 10, perMs: 5000 },
  { method: 'channels.sendSlowMessage', scope: 'peer', max: 1, perMs: 3000, error: 'SLOWMODE_WAIT' },
]

interface MethodSpec {
  /** Needs a logged-in account on the receiving DC (401 otherwise). */
  readonly needsAccount: boolean
  /** Belongs on the account's home DC (303 USER_MIGRATE otherwise). */
  readonly homeOnly: boolean
  readonly run: (world: World, call: WorldCall) => WorldOutcome
}

const ok = (value: unknown): WorldOutcome => ({ kind: 'ok', value })
const fail = (code: number, message: string): WorldOutcome => ({ kind: 'error', code, message })

const USERNAME = /^[a-zA-Z][a-zA-Z0-9_]{3,31}$/
const PHONE = /^\+?\d{5,15}$/

function text(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = params[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * The simulated Telegram, as far as errors are concerned: accounts with home DCs, phones, files and
 * statistics living on DCs, authorization per DC, flood limits that calls inside a wait extend,
 * input checks, and seeded internal failures. Protocol-free: the plain and the MTProto clusters both
 * ask it what to answer.
 */
export class World {
  readonly dcIds: readonly number[]
  readonly random: Random
  /** The server's clock, epoch ms. */
  readonly now: () => number
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
  private readonly accounts = new Map<string, AccountSpec>()
  private readonly authorized = new Map<string, Set<number>>()
  private readonly revoked = new Set<string>()
  private readonly exportTokens = new Map<string, { account: string; dcId: number }>()
  private readonly flood: FloodLimiter
  private readonly loginCode: string
  private nextMessageId = 1
  private nextToken = 1

  constructor(readonly options: WorldOptions = {}) {
    this.dcIds = options.dcIds ?? [1, 2, 3, 4, 5]
    this.random = createRandom(options.seed ?? 1)
    this.now = options.now ?? Date.now
    this.flood = new FloodLimiter(options.floodRules ?? DEFAULT_FLOOD_RULES)
    this.loginCode = options.loginCode ?? '12345'
    for (const [name, spec] of Object.entries(options.accounts ?? {})) this.addAccount(name, spec)
  }

  /** Adds an account (or replaces one) while the world runs. */
  addAccount(name: string, spec: AccountSpec): void {
    this.accounts.set(name, spec)
    this.authorized.set(name, new Set(spec.authorizedOn ?? [spec.homeDc]))
    this.revoked.delete(name)
  }

  /** Ends an account's authorization everywhere: its next call gets 401 SESSION_REVOKED. */
  revoke(account: string): void {
    this.revoked.add(account)
  }

  /** Moves an account to another home DC (as Telegram occasionally does), keeping its authorizations. */
  moveAccount(account: string, homeDc: number): void {
    const spec = this.accounts.get(account)
    if (spec === undefined) throw new RangeError(`no account ${account}`)
    this.accounts.set(account, { ...spec, homeDc })
  }

  /** Whether `account` is logged in on `dcId`. */
  isAuthorized(account: string, dcId: number): boolean {
    return this.authorized.get(account)?.has(dcId) ?? false
  }

  /** The home DC of an account, if it exists. */
  homeDcOf(account: string): number | undefined {
    return this.accounts.get(account)?.homeDc
  }

  /** Answers one call and counts what it answered. */
  handle(call: WorldCall): WorldOutcome {
    this.stats.calls++
    const outcome = this.decide(call)
    if (outcome.kind === 'ok') this.stats.ok++
    else {
      const type = outcome.message.split(':')[0] ?? outcome.message
      const counted = type.replace(/\d+/g, 'X')
      this.stats.errorsByType[counted] = (this.stats.errorsByType[counted] ?? 0) + 1
      if (outcome.code === 303) this.stats.migrations++
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
    if (spec === undefined) return fail(400, 'INPUT_METHOD_INVALID')
    const { account } = call
    if (spec.needsAccount) {
      if (account === undefined || !this.accounts.has(account)) return fail(401, 'AUTH_KEY_UNREGISTERED')
      if (this.revoked.has(account)) return fail(401, 'SESSION_REVOKED')
      if (!this.isAuthorized(account, call.dcId)) return fail(401, 'AUTH_KEY_UNREGISTERED')
      const home = this.homeDcOf(account) as number
      if (spec.homeOnly && call.dcId !== home) return fail(303, `USER_MIGRATE_${home}`)
    }
    const fault = this.injectFault(call.method)
    if (fault !== undefined) return fault
    const rule = this.flood.ruleFor(call.method)
    if (rule !== undefined) {
      const key = this.floodKey(rule.scope, call)
      const decision = this.flood.check(rule, key, this.now(), call.receipt)
      if (!decision.allowed)
        return {
          kind: 'error',
          code: 420,
          message: `${rule.error ?? 'FLOOD_WAIT'}_${decision.seconds}`,
          floodKey: key,
        }
    }
    return spec.run(this, call)
  }

  private floodKey(scope: FloodRule['scope'], call: WorldCall): string {
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

  private injectFault(method: string): WorldOutcome | undefined {
    const faults = this.options.faults?.byMethod?.[method] ?? this.options.faults
    if (faults === undefined) return undefined
    // One roll per call, cut into consecutive bands, so each rate means what it says.
    const roll = this.random()
    const internal = faults.internalErrorRate ?? 0
    const timeout = internal + (faults.timeoutRate ?? 0)
    const busy = timeout + (faults.workerBusyRate ?? 0)
    let fault: WorldOutcome | undefined
    if (roll < internal) fault = fail(500, 'INTERNAL_SERVER_ERROR')
    else if (roll < timeout) fault = fail(-503, 'Timeout')
    else if (roll < busy) fault = fail(500, 'WORKER_BUSY_TOO_LONG_RETRY')
    if (fault !== undefined) this.stats.injectedFaults++
    return fault
  }

  /** @internal Used by the method table. */
  accountByPhone(phone: string): [string, AccountSpec] | undefined {
    for (const entry of this.accounts) if (entry[1].phone === phone) return entry
    return undefined
  }

  /** @internal */
  authorize(account: string, dcId: number): void {
    this.authorized.get(account)?.add(dcId)
  }

  /** @internal */
  accountByBotToken(token: string): [string, AccountSpec] | undefined {
    for (const entry of this.accounts)
      if (entry[1].botToken !== undefined && entry[1].botToken === token) return entry
    return undefined
  }

  /** @internal */
  deauthorize(account: string, dcId: number): void {
    this.authorized.get(account)?.delete(dcId)
  }

  /** @internal */
  issueExportToken(account: string, dcId: number): string {
    const token = `export-${this.nextToken++}`
    this.exportTokens.set(token, { account, dcId })
    return token
  }

  /** @internal */
  redeemExportToken(token: string, dcId: number): string | undefined {
    const entry = this.exportTokens.get(token)
    if (entry === undefined || entry.dcId !== dcId) return undefined
    this.exportTokens.delete(token)
    return entry.account
  }

  /** @internal */
  takeMessageId(): number {
    return this.nextMessageId++
  }

  /** @internal */
  get code(): string {
    return this.loginCode
  }
}

const ACCOUNT_CALL: Omit<MethodSpec, 'run'> = { needsAccount: true, homeOnly: true }
const ANYONE: Omit<MethodSpec, 'run'> = { needsAccount: false, homeOnly: false }

const METHODS: Readonly<Record<string, MethodSpec>> = {
  'help.getConfig': {
    ...ANYONE,
    run: (world, call) => ok({ thisDc: call.dcId, dcIds: world.dcIds }),
  },
  'help.getNearestDc': { ...ANYONE, run: (_world, call) => ok({ thisDc: call.dcId, nearestDc: call.dcId }) },
  'auth.sendCode': {
    ...ANYONE,
    run: (world, call) => {
      const redirect = world.options.networkMigrations?.[call.dcId]
      if (redirect !== undefined) return fail(303, `NETWORK_MIGRATE_${redirect}`)
      const phone = text(call.params, 'phone_number') ?? ''
      if (!PHONE.test(phone)) return fail(400, 'PHONE_NUMBER_INVALID')
      const owner = world.accountByPhone(phone.replace(/^\+/, ''))
      if (owner === undefined) return fail(400, 'PHONE_NUMBER_UNOCCUPIED')
      if (owner[1].homeDc !== call.dcId) return fail(303, `PHONE_MIGRATE_${owner[1].homeDc}`)
      return ok({ phoneCodeHash: `hash-${phone}` })
    },
  },
  'auth.signIn': {
    ...ANYONE,
    run: (world, call) => {
      const phone = (text(call.params, 'phone_number') ?? '').replace(/^\+/, '')
      const code = text(call.params, 'phone_code') ?? ''
      if (!PHONE.test(phone)) return fail(400, 'PHONE_NUMBER_INVALID')
      if ((text(call.params, 'phone_code_hash') ?? '') === '') return fail(400, 'PHONE_CODE_HASH_EMPTY')
      if (code === '') return fail(400, 'PHONE_CODE_EMPTY')
      const owner = world.accountByPhone(phone)
      if (owner === undefined) return fail(400, 'PHONE_NUMBER_UNOCCUPIED')
      if (owner[1].homeDc !== call.dcId) return fail(303, `PHONE_MIGRATE_${owner[1].homeDc}`)
      if (code !== (owner[1].loginCode ?? world.code)) return fail(400, 'PHONE_CODE_INVALID')
      world.authorize(owner[0], call.dcId)
      return ok({ account: owner[0] })
    },
  },
  'auth.exportAuthorization': {
    ...ACCOUNT_CALL,
    run: (world, call) => {
      const dcId = Number(call.params.dc_id)
      // Exporting to the DC the call is on is refused too: there is nothing to import there.
      if (!world.dcIds.includes(dcId) || dcId === call.dcId) return fail(400, 'DC_ID_INVALID')
      return ok({ id: 1, bytes: world.issueExportToken(call.account as string, dcId) })
    },
  },
  'auth.importAuthorization': {
    ...ANYONE,
    run: (world, call) => {
      const account = world.redeemExportToken(String(call.params.bytes), call.dcId)
      if (account === undefined) return fail(400, 'AUTH_BYTES_INVALID')
      world.authorize(account, call.dcId)
      return ok({ account })
    },
  },
  'auth.importBotAuthorization': {
    ...ANYONE,
    run: (world, call) => {
      const bot = world.accountByBotToken(text(call.params, 'bot_auth_token') ?? '')
      if (bot === undefined) return fail(401, 'ACCESS_TOKEN_INVALID')
      // A bot signs in on its own DC only; the client is told where that is.
      if (bot[1].homeDc !== call.dcId) return fail(303, `USER_MIGRATE_${bot[1].homeDc}`)
      world.authorize(bot[0], call.dcId)
      return ok({ account: bot[0] })
    },
  },
  'auth.logOut': {
    needsAccount: true,
    homeOnly: false,
    run: (world, call) => {
      world.deauthorize(call.account as string, call.dcId)
      return ok(true)
    },
  },
  'users.getUsers': { ...ACCOUNT_CALL, run: (_world, call) => ok([{ id: call.account }]) },
  'updates.getState': { ...ACCOUNT_CALL, run: () => ok({ pts: 1 }) },
  'updates.getDifference': { ...ACCOUNT_CALL, run: () => ok({ empty: true }) },
  'users.getFullUser': { ...ACCOUNT_CALL, run: (_world, call) => ok({ id: call.account }) },
  'account.updateProfile': {
    ...ACCOUNT_CALL,
    run: (_world, call) => {
      const first = text(call.params, 'first_name')
      const last = text(call.params, 'last_name')
      if (first !== undefined && (first.trim() === '' || first.length > 64))
        return fail(400, 'FIRSTNAME_INVALID')
      if (last !== undefined && last.length > 64) return fail(400, 'LASTNAME_INVALID')
      if ((text(call.params, 'about') ?? '').length > 70) return fail(400, 'ABOUT_TOO_LONG')
      return ok({ id: call.account })
    },
  },
  'contacts.resolveUsername': {
    ...ACCOUNT_CALL,
    run: (_world, call) => {
      const username = text(call.params, 'username') ?? ''
      if (!USERNAME.test(username)) return fail(400, 'USERNAME_INVALID')
      if (username.startsWith('nobody')) return fail(400, 'USERNAME_NOT_OCCUPIED')
      return ok({ peer: `user:${username}` })
    },
  },
  'messages.sendMessage': {
    ...ACCOUNT_CALL,
    run: (world, call) => {
      const message = text(call.params, 'message') ?? ''
      if (message.trim() === '') return fail(400, 'MESSAGE_EMPTY')
      if (message.length > 4096) return fail(400, 'MESSAGE_TOO_LONG')
      return ok({ id: world.takeMessageId() })
    },
  },
  'channels.sendSlowMessage': {
    ...ACCOUNT_CALL,
    run: (world) => ok({ id: world.takeMessageId() }),
  },
  'messages.getHistory': { ...ACCOUNT_CALL, run: () => ok({ messages: [] }) },
  'upload.getFile': {
    // Files may be read on any DC the account is authorized on, but only where they are stored.
    needsAccount: true,
    homeOnly: false,
    run: (world, call) => {
      const location = String(call.params.location)
      const dcId = world.options.files?.[location]
      if (dcId === undefined) return fail(400, 'LOCATION_INVALID')
      if (dcId !== call.dcId) return fail(303, `FILE_MIGRATE_${dcId}`)
      const limit = Number(call.params.limit ?? 1024)
      return ok({ bytes: limit, offset: Number(call.params.offset ?? 0) })
    },
  },
  'stats.getBroadcastStats': {
    needsAccount: true,
    homeOnly: false,
    run: (world, call) => {
      const channel = String(call.params.channel)
      const dcId = world.options.statsDcs?.[channel]
      if (dcId === undefined) return fail(400, 'CHANNEL_INVALID')
      if (dcId !== call.dcId) return fail(303, `STATS_MIGRATE_${dcId}`)
      return ok({ channel })
    },
  },
}

/** The methods the simulated world knows. */
export const WORLD_METHODS: readonly string[] = Object.keys(METHODS)
