import type { AccountSpec } from './world-options.js'

/**
 * What the simulated world remembers between calls: accounts and where they are authorized, files,
 * export tokens, message ids. The method table (`methods/`) reads and changes it; the {@link World}
 * owns it and decides which calls reach a method at all. Kept apart so that a method family can be
 * read, and a new one added, without the checks and counters around them.
 */
export class WorldState {
  private readonly accounts = new Map<string, AccountSpec>()
  private readonly authorized = new Map<string, Set<number>>()
  private readonly revoked = new Set<string>()
  private readonly exportTokens = new Map<string, { account: string; dcId: number }>()
  private readonly files = new Map<string, number>()
  private nextMessageId = 1
  private nextToken = 1

  constructor(
    /** DC ids of the cluster. */
    readonly dcIds: readonly number[],
    /** The code every phone accepts unless its account says otherwise. */
    readonly loginCode: string,
    /** Channel -> the DC serving its statistics. */
    readonly statsDcs: Readonly<Record<string, number>>,
    /** DC -> the DC `auth.sendCode` there is sent on to. */
    readonly networkMigrations: Readonly<Record<number, number>>,
  ) {}

  /** Adds or replaces an account; it starts authorized where its spec says (home by default). */
  addAccount(name: string, spec: AccountSpec): void {
    this.accounts.set(name, spec)
    this.authorized.set(name, new Set(spec.authorizedOn ?? [spec.homeDcId]))
    this.revoked.delete(name)
  }

  account(name: string): AccountSpec | undefined {
    return this.accounts.get(name)
  }

  setHomeDc(name: string, homeDcId: number): void {
    const spec = this.accounts.get(name)
    if (spec === undefined) throw new RangeError(`no account ${name}`)
    this.accounts.set(name, { ...spec, homeDcId: homeDcId })
  }

  revoke(name: string): void {
    this.revoked.add(name)
  }

  isRevoked(name: string): boolean {
    return this.revoked.has(name)
  }

  isAuthorized(name: string, dcId: number): boolean {
    return this.authorized.get(name)?.has(dcId) ?? false
  }

  authorize(name: string, dcId: number): void {
    this.authorized.get(name)?.add(dcId)
  }

  deauthorize(name: string, dcId: number): void {
    this.authorized.get(name)?.delete(dcId)
  }

  accountByPhone(phone: string): [string, AccountSpec] | undefined {
    for (const entry of this.accounts) if (entry[1].phone === phone) return entry
    return undefined
  }

  accountByBotToken(token: string): [string, AccountSpec] | undefined {
    for (const entry of this.accounts)
      if (entry[1].botToken !== undefined && entry[1].botToken === token) return entry
    return undefined
  }

  addFile(location: string, dcId: number): void {
    this.files.set(location, dcId)
  }

  /** The DC storing a file, if the location names one. */
  fileDc(location: string): number | undefined {
    return this.files.get(location)
  }

  /** A single-use token that imports `account`'s authorization on `dcId`. */
  issueExportToken(account: string, dcId: number): string {
    const token = `export-${this.nextToken++}`
    this.exportTokens.set(token, { account, dcId })
    return token
  }

  /** The account a token imports on `dcId`, using the token up; undefined when it is no valid token there. */
  redeemExportToken(token: string, dcId: number): string | undefined {
    const entry = this.exportTokens.get(token)
    if (entry === undefined || entry.dcId !== dcId) return undefined
    this.exportTokens.delete(token)
    return entry.account
  }

  takeMessageId(): number {
    return this.nextMessageId++
  }
}
