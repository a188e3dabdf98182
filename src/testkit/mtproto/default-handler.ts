import type { DcAddress } from '../cluster.js'
import type { World } from '../world/index.js'
import { ANSWERS } from './answers/index.js'
import type { CallHandler, CallOutcome, MtprotoCall } from './call-handler.js'
import { ruleParams } from './rule-params.js'
import { BOT_ID_BASE, testBotToken } from './test-accounts.js'
import { type TestFile, TlState } from './tl-state.js'

/** Options of the {@link DefaultHandler}. */
export interface DefaultHandlerOptions {
  /** The shared rules every call is put to first: the cluster's `world`. */
  readonly world: World
  /** The cluster's DCs; `help.getConfig` lists them. */
  readonly dcs: readonly DcAddress[]
  /** Seeds access hashes, phone code hashes and file contents, for reproducible runs (default 1). */
  readonly seed?: number
  /** Size in bytes of the file stored on each DC. Default 300 000 (several download parts). */
  readonly fileSizeBytes?: number
}

/**
 * The MTProto cluster's default {@link CallHandler}: a small, honest Telegram for real clients.
 *
 * Every error decision (migrations, authorization, flood windows and violations, input checks,
 * seeded faults) is the shared {@link World}'s, the one the plain cluster asks too; this handler
 * maps each MTProto call onto it (`rule-params.ts`) and builds the TL objects of the answers
 * (`answers/`, one module per method family, over the state in `tl-state.ts`). What it still
 * decides itself is about those objects: unknown peers (PEER_ID_INVALID), a phone code hash it did
 * not issue (PHONE_CODE_EXPIRED), the byte bounds of `upload.getFile` (LIMIT_INVALID,
 * OFFSET_INVALID), and `400 TESTKIT_METHOD_UNSUPPORTED` for methods it has no answer for.
 *
 * Its accounts are the test phones and bots of `testPhone` and `testBotToken`; one file is stored
 * on each DC (`files`, `fileLocation`).
 */
export class DefaultHandler implements CallHandler {
  private readonly state: TlState
  private readonly world: World

  constructor(options: DefaultHandlerOptions) {
    this.world = options.world
    this.state = new TlState(options.world, options.dcs, options.seed ?? 1, options.fileSizeBytes ?? 300_000)
    // One bot per DC, known to the world so it can check the token and send the bot home.
    for (const dc of options.dcs) {
      options.world.addAccount(String(BOT_ID_BASE + dc.id), {
        homeDcId: dc.id,
        botToken: testBotToken(dc.id),
        authorizedOn: [],
      })
    }
  }

  /** One file per DC, keyed by DC id. */
  get files(): ReadonlyMap<number, TestFile> {
    return this.state.files
  }

  /** `inputDocumentFileLocation` for the file stored on `dcId`, to download it with a client. */
  fileLocation(dcId: number): Record<string, unknown> & { _: string } {
    const file = this.state.files.get(dcId)
    if (!file) throw new RangeError(`no DC ${dcId}`)
    return {
      _: 'inputDocumentFileLocation',
      id: file.id,
      accessHash: file.accessHash,
      fileReference: new Uint8Array(0),
      thumbSize: '',
    }
  }

  /** {@inheritDoc CallHandler.delivered} */
  delivered(floodKey: string, notice: { readonly channel: string; readonly messageId: bigint }): void {
    this.world.noticeDelivered(floodKey, notice)
  }

  /** {@inheritDoc CallHandler.handle} */
  handle(call: MtprotoCall): CallOutcome {
    const answer = ANSWERS[call.method]
    if (answer === undefined) return { error: { code: 400, message: 'TESTKIT_METHOD_UNSUPPORTED' } }
    const user = this.state.user(call.account)
    // On MTProto the auth key's binding is the authorization on this DC; the world learns it here.
    if (user && !this.world.isAuthorized(String(user.id), call.dcId))
      this.world.authorize(String(user.id), call.dcId)
    // Test phones become accounts the first time they are used, so the world knows their home DC.
    if (call.method === 'auth.sendCode' || call.method === 'auth.signIn')
      this.state.userByPhone(String(call.params.phoneNumber))
    const decision = this.world.handle({
      dcId: call.dcId,
      account: call.account,
      method: call.method,
      params: ruleParams(call, user, this.state),
      ...(call.receipt !== undefined && { receipt: call.receipt }),
    })
    if (decision.kind === 'error') {
      const refusal = { error: { code: decision.code, message: decision.message } }
      return decision.floodKey === undefined ? refusal : { ...refusal, floodKey: decision.floodKey }
    }
    const nowSeconds = Math.floor(this.world.now() / 1000)
    return answer({ state: this.state, call, user, value: decision.value, nowSeconds })
  }
}
