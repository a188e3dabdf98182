import Long from 'long'
import type { DcAddress } from '../cluster.js'
import { createRandom, type Random, type World } from '../world/index.js'
import { BOT_ID_BASE, testLoginCode, testPhoneParts, USER_ID_BASE } from './test-accounts.js'
import { longOf, type WorldMessage, type WorldUser } from './world-objects.js'

/** A file stored on one DC of the MTProto cluster, with the ids a client names it by. */
export interface TestFile {
  /** The document id. */
  readonly id: Long
  /** The document's access hash. */
  readonly accessHash: Long
  /** The DC storing it. */
  readonly dcId: number
  /** Its contents (seeded random bytes). */
  readonly bytes: Uint8Array
}

/**
 * What the MTProto cluster's default handler remembers beyond the shared {@link World}: the TL side
 * of each account (ids, access hashes, names), phone code hashes it issued, message histories and
 * update sequences, and one file per DC. The answer builders (`answers/`) read and change it.
 */
export class TlState {
  /** One file per DC, keyed by DC id. */
  readonly files = new Map<number, TestFile>()
  private readonly random: Random
  private readonly users = new Map<number, WorldUser>()
  private readonly codes = new Map<string, { phone: string; dcId: number }>()
  private readonly history = new Map<string, WorldMessage[]>()
  private readonly nextMessageId = new Map<number, number>()
  private readonly pts = new Map<number, number>()

  constructor(
    readonly world: World,
    readonly dcs: readonly DcAddress[],
    seed: number,
    fileSizeBytes: number,
  ) {
    this.random = createRandom(seed)
    for (const dc of dcs) {
      const bytes = new Uint8Array(fileSizeBytes)
      for (let i = 0; i < fileSizeBytes; i++) bytes[i] = Math.floor(this.random() * 256)
      const file = { id: Long.fromNumber(5000 + dc.id), accessHash: this.randomLong(), dcId: dc.id, bytes }
      this.files.set(dc.id, file)
      world.addFile(fileKey(file), dc.id)
    }
  }

  /** The user bound to an account name, if the world has shown it one. */
  user(account: string | undefined): WorldUser | undefined {
    return account === undefined ? undefined : this.users.get(Number(account))
  }

  /** The user of a test phone, created (in the world too) the first time it is used. */
  userByPhone(phone: string): WorldUser | undefined {
    const parts = testPhoneParts(phone)
    if (parts === undefined || !this.dcs.some((dc) => dc.id === parts.dcId)) return undefined
    const digits = `99966${parts.dcId}${parts.suffix}`
    const id = USER_ID_BASE + Number(`${parts.dcId}${parts.suffix}`)
    if (!this.users.has(id)) {
      this.world.addAccount(String(id), {
        homeDcId: parts.dcId,
        phone: digits,
        loginCode: testLoginCode(digits),
        authorizedOn: [],
      })
    }
    return this.userOf(id, () => ({
      firstName: `Test ${digits.slice(-4)}`,
      username: `test${digits}`,
      phone: digits,
      bot: false,
    }))
  }

  /** The test bot homed on `dcId`, created the first time it signs in. */
  bot(dcId: number): WorldUser {
    return this.userOf(BOT_ID_BASE + dcId, () => ({
      firstName: `Testkit bot ${dcId}`,
      username: `testkit_dc${dcId}_bot`,
      phone: undefined,
      bot: true,
    }))
  }

  /** A user by `username`, if one exists. */
  userByUsername(username: string): WorldUser | undefined {
    return [...this.users.values()].find((u) => u.username === username.toLowerCase())
  }

  /** The users an `inputUser` vector names (`inputUserSelf` is `self`); unknown ones are left out. */
  inputUsers(list: unknown, self: WorldUser): WorldUser[] {
    if (!Array.isArray(list)) return []
    return list.flatMap((input: { _?: string; userId?: unknown }) => {
      if (input?._ === 'inputUserSelf') return [self]
      const user = input?._ === 'inputUser' ? this.users.get(Number(input.userId)) : undefined
      return user ? [user] : []
    })
  }

  /** The user an `inputPeer` names, or undefined for an unknown one. */
  peerUser(peer: unknown, self: WorldUser): WorldUser | undefined {
    const input = peer as { _?: string; userId?: unknown } | undefined
    if (input?._ === 'inputPeerSelf') return self
    return input?._ === 'inputPeerUser' ? this.users.get(Number(input.userId)) : undefined
  }

  /** Issues a phone code hash for a sign-in of `phone` on `dcId`. */
  issueCode(phone: string, dcId: number): string {
    const hash = this.randomHex(8)
    this.codes.set(hash, { phone, dcId })
    return hash
  }

  /** Uses up a phone code hash; false when it was not issued for this phone on this DC. */
  redeemCode(hash: string, phone: string, dcId: number): boolean {
    const pending = this.codes.get(hash)
    if (!pending || pending.phone !== phone || pending.dcId !== dcId) return false
    this.codes.delete(hash)
    return true
  }

  /** Keeps a message in `owner`'s history with `peer`. */
  store(owner: WorldUser, peer: WorldUser, text: string, date: number, out: boolean): WorldMessage {
    const id = (this.nextMessageId.get(owner.id) ?? 0) + 1
    this.nextMessageId.set(owner.id, id)
    const key = `${owner.id}:${peer.id}`
    const list = this.history.get(key) ?? []
    const message = { id, fromId: out ? owner.id : peer.id, peerId: peer.id, out, date, text }
    list.push(message)
    this.history.set(key, list)
    return message
  }

  /** `owner`'s history with `peer`, oldest first. */
  historyOf(owner: WorldUser, peer: WorldUser): readonly WorldMessage[] {
    return this.history.get(`${owner.id}:${peer.id}`) ?? []
  }

  /** The account's update sequence (pts), which advances with every message it sends. */
  ptsOf(user: WorldUser): number {
    return this.pts.get(user.id) ?? 1
  }

  /** Advances the account's pts by one; returns the new value. */
  advancePts(user: WorldUser): number {
    const pts = this.ptsOf(user) + 1
    this.pts.set(user.id, pts)
    return pts
  }

  /** The world's name for a file location (`file-<id>`), or `unknown` when it names no file here. */
  locationKey(location: unknown): string {
    const loc = location as { _?: string; id?: unknown; accessHash?: unknown } | undefined
    if (loc?._ !== 'inputDocumentFileLocation') return 'unknown'
    const file = [...this.files.values()].find((f) => f.id.equals(toLongish(loc.id)))
    return file?.accessHash.equals(toLongish(loc.accessHash)) ? fileKey(file) : 'unknown'
  }

  private userOf(id: number, create: () => Omit<WorldUser, 'id' | 'accessHash'>): WorldUser {
    let user = this.users.get(id)
    if (!user) {
      user = { id, accessHash: this.randomLong(), ...create() }
      this.users.set(id, user)
    }
    return user
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

/** How the world names a stored file. */
function fileKey(file: TestFile): string {
  return `file-${file.id.toString()}`
}

function toLongish(value: unknown): Long {
  if (Long.isLong(value)) return value
  if (typeof value === 'number' || typeof value === 'bigint') return longOf(value)
  return Long.NEG_ONE
}
