import Long from 'long'
import {
  createRandom,
  type RpcFaults,
  World,
  type FloodRule as WorldFloodRule,
  type WorldOutcome,
} from '../world/index.js'
import type { CallHandler, CallOutcome, MtprotoCall } from './call-handler.js'
import {
  configObject,
  type DcAddress,
  longOf,
  messageObject,
  messagesObject,
  userFullObject,
  userObject,
  type WorldMessage,
  type WorldUser,
} from './world-objects.js'

/** A flood limit on one method: more than `limit` calls per account within `windowMs` opens a wait. */
export interface FloodRule {
  method: string
  limit: number
  windowMs: number
  /** The wait announced in FLOOD_WAIT_X (the protocol's own unit, seconds). */
  waitSeconds: number
}

/** Options of the {@link DefaultWorld}. */
export interface DefaultWorldOptions {
  /** The cluster's DCs; `help.getConfig` lists them. */
  dcs: readonly DcAddress[]
  /** Seeds access hashes, phone code hashes and file contents, for reproducible runs. */
  seed?: number
  /** The flood limit; false for none. Default: 3 `messages.sendMessage` per 10 s, then a 2 s wait. */
  flood?: FloodRule | false
  /**
   * The shared world's flood rules (as the plain cluster takes them), in place of `flood`: the same
   * rules then govern plain and MTProto runs.
   */
  floodRules?: readonly WorldFloodRule[]
  /** Seeded server-side failures (500, -503 Timeout, WORKER_BUSY), as the plain cluster's. */
  faults?: RpcFaults
  /** Size in bytes of the file stored on each DC. Default 300 000 (several download parts). */
  fileSizeBytes?: number
  /** Clock in ms, for tests that control time. Default `Date.now`. */
  now?: () => number
}

/** A file stored on one DC. */
export interface WorldFile {
  id: Long
  accessHash: Long
  dcId: number
  bytes: Uint8Array
}

/** A call made inside an open flood window: the client ignored FLOOD_WAIT. */
export interface FloodViolation {
  account: string
  method: string
  dcId: number
  atMs: number
}

/** The default flood rule (see {@link DefaultWorldOptions.flood}). */
export const DEFAULT_FLOOD_RULE: FloodRule = {
  method: 'messages.sendMessage',
  limit: 3,
  windowMs: 10_000,
  waitSeconds: 2,
}

const TEST_PHONE = /^\+?99966(\d)(\d{4})$/
const BOT_ID_BASE = 7_000_000
const USER_ID_BASE = 1_000_000

/** The methods this world can build TL results for; others get TESTKIT_METHOD_UNSUPPORTED. */
const SUPPORTED = new Set([
  'help.getConfig',
  'help.getNearestDc',
  'auth.sendCode',
  'auth.signIn',
  'auth.importBotAuthorization',
  'auth.exportAuthorization',
  'auth.importAuthorization',
  'auth.logOut',
  'users.getUsers',
  'users.getFullUser',
  'contacts.resolveUsername',
  'messages.sendMessage',
  'messages.getHistory',
  'updates.getState',
  'updates.getDifference',
  'upload.getFile',
])

/** The shared world's form of the MTProto world's single flood rule: per account, a fixed wait. */
function worldRule(rule: FloodRule): WorldFloodRule {
  return {
    method: rule.method,
    scope: 'account',
    max: rule.limit,
    perMs: rule.windowMs,
    waitMs: rule.waitSeconds * 1000,
  }
}

/**
 * A small, honest Telegram for tests: accounts with home DCs, test phone numbers with fixed
 * codes, bots, files on DCs, authorization per DC with export/import, one flood-limited method.
 *
 * Every error decision (migrations, authorization, flood windows and violations, input checks,
 * seeded faults) is the shared {@link World}'s, the one the plain cluster asks too; this class maps
 * each MTProto call onto it and builds the TL objects of the answers. What it still decides itself
 * is about those objects: unknown peers (PEER_ID_INVALID), a phone code hash it did not issue
 * (PHONE_CODE_EXPIRED), and the byte bounds of `upload.getFile` (LIMIT_INVALID, OFFSET_INVALID).
 *
 * Its rules, as Telegram's:
 * - `auth.sendCode`/`auth.signIn` for a phone homed elsewhere: 303 PHONE_MIGRATE_X.
 * - Test phones are `99966XYYYY` (X: home DC); the code is X five times ("22222" on DC 2).
 * - Bot tokens from `DefaultWorld.botToken(dcId)`; importing one elsewhere: 303 USER_MIGRATE_X.
 * - A key that is not logged in: 401 AUTH_KEY_UNREGISTERED for everything but the sign-in calls.
 * - A logged-in key used away from the account's home DC (after an import): 303 USER_MIGRATE_X,
 *   except for `upload.*`, `help.*` and `auth.*`, which is what imports are for.
 * - `upload.getFile` for a file stored on another DC: 303 FILE_MIGRATE_X.
 * - The flood rule: past the limit, 420 FLOOD_WAIT_X; a call inside the window extends the
 *   window to a full wait again and is recorded in {@link DefaultWorld.violations}.
 */
export class DefaultWorld implements CallHandler {
  /** Calls made inside an open flood window, oldest first. */
  readonly violations: FloodViolation[] = []
  /** One file per DC, keyed by DC id. */
  readonly files = new Map<number, WorldFile>()
  /** The shared rules every call is put to first; tests may revoke sessions or read its stats. */
  readonly rules: World
  private readonly dcs: readonly DcAddress[]
  private readonly now: () => number
  private readonly random: () => number
  private readonly users = new Map<number, WorldUser>()
  private readonly codes = new Map<string, { phone: string; dcId: number }>()
  private readonly history = new Map<string, WorldMessage[]>()
  private readonly nextMessageId = new Map<number, number>()
  private readonly pts = new Map<number, number>()

  constructor(options: DefaultWorldOptions) {
    this.dcs = options.dcs
    const flood = options.flood ?? DEFAULT_FLOOD_RULE
    this.now = options.now ?? Date.now
    this.random = createRandom(options.seed ?? 1)
    const size = options.fileSizeBytes ?? 300_000
    for (const dc of this.dcs) {
      const bytes = new Uint8Array(size)
      for (let i = 0; i < size; i++) bytes[i] = Math.floor(this.random() * 256)
      this.files.set(dc.id, {
        id: Long.fromNumber(5000 + dc.id),
        accessHash: this.randomLong(),
        dcId: dc.id,
        bytes,
      })
    }
    this.rules = new World({
      dcIds: this.dcs.map((dc) => dc.id),
      files: Object.fromEntries([...this.files.values()].map((file) => [fileKey(file), file.dcId])),
      floodRules: options.floodRules ?? (flood === false ? [] : [worldRule(flood)]),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
      seed: options.seed ?? 1,
      now: this.now,
    })
    // One bot per DC, known to the rules so they can check its token and send it home.
    for (const dc of this.dcs) {
      this.rules.addAccount(String(BOT_ID_BASE + dc.id), {
        homeDc: dc.id,
        botToken: DefaultWorld.botToken(dc.id),
        authorizedOn: [],
      })
    }
  }

  /** A test phone number homed on `dcId` (`n` tells accounts on one DC apart). */
  static testPhone(dcId: number, n = 1): string {
    return `99966${dcId}${String(n).padStart(4, '0')}`
  }

  /** The login code the world accepts for a test phone. */
  static loginCode(phone: string): string {
    const match = TEST_PHONE.exec(phone)
    if (!match) throw new RangeError(`${phone} is not a test phone (99966XYYYY)`)
    return match[1]!.repeat(5)
  }

  /** The token of the test bot homed on `dcId`. */
  static botToken(dcId: number): string {
    return `${BOT_ID_BASE + dcId}:testkit-bot-homed-on-dc-${dcId}`
  }

  /** `inputDocumentFileLocation` for the file stored on `dcId`. */
  fileLocation(dcId: number): Record<string, unknown> & { _: string } {
    const file = this.files.get(dcId)
    if (!file) throw new RangeError(`no DC ${dcId}`)
    return {
      _: 'inputDocumentFileLocation',
      id: file.id,
      accessHash: file.accessHash,
      fileReference: new Uint8Array(0),
      thumbSize: '',
    }
  }

  /** The account id (as bound to auth keys) of a test phone, creating the account if needed. */
  accountOfPhone(phone: string): string | undefined {
    return this.userByPhone(phone)?.id.toString()
  }

  /** Moves an account to another home DC, as Telegram occasionally does. */
  moveAccount(account: string, dcId: number): void {
    const user = this.users.get(Number(account))
    if (!user) throw new RangeError(`no account ${account}`)
    user.homeDc = dcId
    this.rules.moveAccount(account, dcId)
  }

  /** {@inheritDoc CallHandler.delivered} */
  delivered(floodKey: string, notice: { readonly channel: string; readonly messageId: bigint }): void {
    this.rules.noticeDelivered(floodKey, notice)
  }

  /** {@inheritDoc CallHandler.handle} */
  handle(call: MtprotoCall): CallOutcome {
    if (!SUPPORTED.has(call.method)) return error(400, 'TESTKIT_METHOD_UNSUPPORTED')
    const user = call.account === undefined ? undefined : this.users.get(Number(call.account))
    // On MTProto the auth key's binding is the authorization on this DC; the rules learn it here.
    if (user && !this.rules.isAuthorized(String(user.id), call.dcId))
      this.rules.authorize(String(user.id), call.dcId)
    // Test phones become accounts the first time they are used, so the rules know their home DC.
    if (call.method === 'auth.sendCode' || call.method === 'auth.signIn')
      this.userByPhone(String(call.params.phoneNumber))
    const violationsBefore = this.rules.stats.floodViolations
    const decision = this.rules.handle({
      dcId: call.dcId,
      account: call.account,
      method: call.method,
      params: this.ruleParams(call, user),
      ...(call.receipt !== undefined && { receipt: call.receipt }),
    })
    if (this.rules.stats.floodViolations > violationsBefore && user) {
      this.violations.push({
        account: String(user.id),
        method: call.method,
        dcId: call.dcId,
        atMs: this.now(),
      })
    }
    if (decision.kind === 'error') {
      const refusal = error(decision.code, decision.message)
      return decision.floodKey === undefined ? refusal : { ...refusal, floodKey: decision.floodKey }
    }
    const p = call.params
    const nowSeconds = Math.floor(this.now() / 1000)
    switch (call.method) {
      case 'help.getConfig':
        return { result: configObject(this.dcs, call.dcId, nowSeconds) }
      case 'help.getNearestDc':
        return { result: { _: 'nearestDc', country: 'ZZ', thisDc: call.dcId, nearestDc: call.dcId } }
      case 'auth.sendCode':
        return this.sendCode(call, String(p.phoneNumber))
      case 'auth.signIn':
        return this.signIn(call, String(p.phoneNumber), String(p.phoneCodeHash))
      case 'auth.importBotAuthorization':
        return this.importBot(String(p.botAuthToken), nowSeconds)
      case 'auth.exportAuthorization':
        return this.exportAuthorization(user!, decision)
      case 'auth.importAuthorization':
        return this.importAuthorization(decision, nowSeconds)
      case 'auth.logOut':
        return { result: { _: 'auth.loggedOut' }, authorize: null }
      case 'users.getUsers':
        return { result: this.inputUsers(p.id, user!).map((u) => userObject(u, u === user, nowSeconds)) }
      case 'users.getFullUser': {
        const [target] = this.inputUsers([p.id], user!)
        if (!target) return error(400, 'USER_ID_INVALID')
        return { result: userFullObject(target, target === user, nowSeconds) }
      }
      case 'contacts.resolveUsername': {
        const target = [...this.users.values()].find((u) => u.username === String(p.username).toLowerCase())
        if (!target) return error(400, 'USERNAME_NOT_OCCUPIED')
        return {
          result: {
            _: 'contacts.resolvedPeer',
            peer: { _: 'peerUser', userId: target.id },
            chats: [],
            users: [userObject(target, target === user, nowSeconds)],
          },
        }
      }
      case 'messages.sendMessage':
        return this.sendMessage(user!, p.peer, String(p.message), p.randomId, nowSeconds)
      case 'messages.getHistory':
        return this.getHistory(user!, p.peer, Number(p.limit), nowSeconds)
      case 'updates.getState':
        return {
          result: {
            _: 'updates.state',
            pts: this.ptsOf(user!),
            qts: 0,
            date: nowSeconds,
            seq: 0,
            unreadCount: 0,
          },
        }
      case 'updates.getDifference':
        // Nothing is ever pushed, so there is never anything a client missed.
        return { result: { _: 'updates.differenceEmpty', date: nowSeconds, seq: 0 } }
      case 'upload.getFile':
        return this.getFile(call, Number(p.offset), Number(p.limit))
      default:
        return error(400, 'TESTKIT_METHOD_UNSUPPORTED')
    }
  }

  private sendCode(call: MtprotoCall, phone: string): CallOutcome {
    const user = this.userByPhone(phone)!
    const hash = this.randomHex(8)
    this.codes.set(hash, { phone: user.phone!, dcId: call.dcId })
    return {
      result: { _: 'auth.sentCode', type: { _: 'auth.sentCodeTypeApp', length: 5 }, phoneCodeHash: hash },
    }
  }

  private signIn(call: MtprotoCall, phone: string, hash: string): CallOutcome {
    // The rules checked the phone, its DC and the code; the hash is this world's own bookkeeping.
    const user = this.userByPhone(phone)!
    const pending = this.codes.get(hash)
    if (!pending || pending.phone !== user.phone || pending.dcId !== call.dcId)
      return error(400, 'PHONE_CODE_EXPIRED')
    this.codes.delete(hash)
    const nowSeconds = Math.floor(this.now() / 1000)
    return {
      result: { _: 'auth.authorization', user: userObject(user, true, nowSeconds) },
      authorize: String(user.id),
    }
  }

  private importBot(token: string, nowSeconds: number): CallOutcome {
    const dcId = Number(/-dc-(\d+)$/.exec(token)?.[1])
    const bot = this.userOf(BOT_ID_BASE + dcId, () => ({
      firstName: `Testkit bot ${dcId}`,
      username: `testkit_dc${dcId}_bot`,
      phone: undefined,
      bot: true,
      homeDc: dcId,
    }))
    return {
      result: { _: 'auth.authorization', user: userObject(bot, true, nowSeconds) },
      authorize: String(bot.id),
    }
  }

  private exportAuthorization(user: WorldUser, decision: WorldOutcome): CallOutcome {
    // The rules' single-use token travels as the exported bytes.
    const token = String((decision as { value: { bytes: string } }).value.bytes)
    return {
      result: {
        _: 'auth.exportedAuthorization',
        id: longOf(user.id),
        bytes: new TextEncoder().encode(token),
      },
    }
  }

  private importAuthorization(decision: WorldOutcome, nowSeconds: number): CallOutcome {
    const account = String((decision as { value: { account: string } }).value.account)
    const user = this.users.get(Number(account))!
    return {
      result: { _: 'auth.authorization', user: userObject(user, true, nowSeconds) },
      authorize: account,
    }
  }

  /** The call's parameters in the names and shapes the shared rules read. */
  private ruleParams(call: MtprotoCall, user: WorldUser | undefined): Record<string, unknown> {
    const p = call.params
    switch (call.method) {
      case 'auth.sendCode':
        return { phone_number: p.phoneNumber }
      case 'auth.signIn':
        return { phone_number: p.phoneNumber, phone_code_hash: p.phoneCodeHash, phone_code: p.phoneCode }
      case 'auth.importBotAuthorization':
        return { bot_auth_token: p.botAuthToken }
      case 'auth.exportAuthorization':
        return { dc_id: p.dcId }
      case 'auth.importAuthorization':
        return { bytes: p.bytes instanceof Uint8Array ? new TextDecoder().decode(p.bytes) : '' }
      case 'contacts.resolveUsername':
        return { username: p.username }
      case 'messages.sendMessage':
        return { peer: peerKey(p.peer, user), message: p.message }
      case 'messages.getHistory':
        return { peer: peerKey(p.peer, user), limit: p.limit }
      case 'upload.getFile':
        return { location: this.locationKey(p.location), offset: p.offset, limit: p.limit }
      default:
        return {}
    }
  }

  /** The rules' name for a file location (`file-<id>`), or `unknown` when it names no file here. */
  private locationKey(location: unknown): string {
    const loc = location as { _?: string; id?: unknown; accessHash?: unknown } | undefined
    if (loc?._ !== 'inputDocumentFileLocation') return 'unknown'
    const file = [...this.files.values()].find((f) => f.id.equals(toLongish(loc.id)))
    return file?.accessHash.equals(toLongish(loc.accessHash)) ? fileKey(file) : 'unknown'
  }

  private sendMessage(
    user: WorldUser,
    peer: unknown,
    text: string,
    randomId: unknown,
    nowSeconds: number,
  ): CallOutcome {
    const target = this.peerUser(peer, user)
    if (!target) return error(400, 'PEER_ID_INVALID')
    if (text === '') return error(400, 'MESSAGE_EMPTY')
    const sent = this.store(user, target, text, nowSeconds, true)
    if (target !== user) this.store(target, user, text, nowSeconds, false)
    const pts = this.ptsOf(user) + 1
    this.pts.set(user.id, pts)
    const users = [userObject(user, true, nowSeconds)]
    if (target !== user) users.push(userObject(target, false, nowSeconds))
    // The full `updates` form (not updateShortSentMessage): both clients match the new message to
    // the request through updateMessageID's random_id.
    return {
      result: {
        _: 'updates',
        updates: [
          { _: 'updateMessageID', id: sent.id, randomId },
          { _: 'updateNewMessage', message: messageObject(sent), pts, ptsCount: 1 },
        ],
        users,
        chats: [],
        date: nowSeconds,
        seq: 0,
      },
    }
  }

  private getHistory(user: WorldUser, peer: unknown, limit: number, nowSeconds: number): CallOutcome {
    const target = this.peerUser(peer, user)
    if (!target) return error(400, 'PEER_ID_INVALID')
    const messages = [...(this.history.get(`${user.id}:${target.id}`) ?? [])]
      .reverse()
      .slice(0, limit > 0 ? limit : 100)
    const users = [userObject(user, true, nowSeconds)]
    if (target !== user) users.push(userObject(target, false, nowSeconds))
    return { result: messagesObject(messages, users) }
  }

  private getFile(call: MtprotoCall, offset: number, limit: number): CallOutcome {
    // The rules have checked that the location names a file and that it lives on this DC.
    const file = this.files.get(call.dcId)!
    // upload.getFile's documented bounds: parts of whole KiB, at most 1 MiB, at KiB offsets.
    if (!(limit > 0 && limit <= 1 << 20 && limit % 1024 === 0)) return error(400, 'LIMIT_INVALID')
    if (!(offset >= 0 && offset % 1024 === 0)) return error(400, 'OFFSET_INVALID')
    return {
      result: {
        _: 'upload.file',
        type: { _: 'storage.filePartial' },
        mtime: 0,
        bytes: file.bytes.subarray(
          Math.min(offset, file.bytes.length),
          Math.min(offset + limit, file.bytes.length),
        ),
      },
    }
  }

  private userByPhone(phone: string): WorldUser | undefined {
    const match = TEST_PHONE.exec(phone)
    if (!match) return undefined
    const dcId = Number(match[1])
    if (!this.dcs.some((dc) => dc.id === dcId)) return undefined
    const digits = `99966${match[1]}${match[2]}`
    const id = USER_ID_BASE + Number(`${match[1]}${match[2]}`)
    if (!this.users.has(id)) {
      this.rules.addAccount(String(id), {
        homeDc: dcId,
        phone: digits,
        loginCode: DefaultWorld.loginCode(digits),
        authorizedOn: [],
      })
    }
    return this.userOf(id, () => ({
      firstName: `Test ${digits.slice(-4)}`,
      username: `test${digits}`,
      phone: digits,
      bot: false,
      homeDc: dcId,
    }))
  }

  private userOf(id: number, create: () => Omit<WorldUser, 'id' | 'accessHash'>): WorldUser {
    let user = this.users.get(id)
    if (!user) {
      user = { id, accessHash: this.randomLong(), ...create() }
      this.users.set(id, user)
    }
    return user
  }

  private inputUsers(list: unknown, self: WorldUser): WorldUser[] {
    if (!Array.isArray(list)) return []
    return list.flatMap((input: { _?: string; userId?: unknown }) => {
      if (input?._ === 'inputUserSelf') return [self]
      const user = input?._ === 'inputUser' ? this.users.get(Number(input.userId)) : undefined
      return user ? [user] : []
    })
  }

  private peerUser(peer: unknown, self: WorldUser): WorldUser | undefined {
    const input = peer as { _?: string; userId?: unknown } | undefined
    if (input?._ === 'inputPeerSelf') return self
    return input?._ === 'inputPeerUser' ? this.users.get(Number(input.userId)) : undefined
  }

  private store(owner: WorldUser, peer: WorldUser, text: string, date: number, out: boolean): WorldMessage {
    const id = (this.nextMessageId.get(owner.id) ?? 0) + 1
    this.nextMessageId.set(owner.id, id)
    const key = `${owner.id}:${peer.id}`
    const list = this.history.get(key) ?? []
    const message = { id, fromId: out ? owner.id : peer.id, peerId: peer.id, out, date, text }
    list.push(message)
    this.history.set(key, list)
    return message
  }

  /** The account's update sequence (pts), which advances with every message it sends. */
  private ptsOf(user: WorldUser): number {
    return this.pts.get(user.id) ?? 1
  }

  private randomLong(): Long {
    return Long.fromBits((this.random() * 2 ** 32) | 0, (this.random() * 2 ** 31) | 0)
  }

  private randomHex(bytes: number): string {
    let out = ''
    for (let i = 0; i < bytes; i++)
      out += Math.floor(this.random() * 256)
        .toString(16)
        .padStart(2, '0')
    return out
  }
}

/** How the rules name a stored file. */
function fileKey(file: WorldFile): string {
  return `file-${file.id.toString()}`
}

/** A stable key for a peer, so `peer`-scoped flood rules count per chat. */
function peerKey(peer: unknown, self: WorldUser | undefined): string {
  const input = peer as { _?: string; userId?: unknown } | undefined
  if (input?._ === 'inputPeerSelf') return `user:${self?.id}`
  return input?._ === 'inputPeerUser' ? `user:${String(input.userId)}` : String(input?._)
}

function error(code: number, message: string): CallOutcome {
  return { error: { code, message } }
}

function toLongish(value: unknown): Long {
  if (Long.isLong(value)) return value
  if (typeof value === 'number' || typeof value === 'bigint') return longOf(value)
  return Long.NEG_ONE
}
