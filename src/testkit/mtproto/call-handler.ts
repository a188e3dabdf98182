/**
 * The one seam between the MTProto machinery (framing, crypto, sessions, TL) and the rules of the
 * simulated world (accounts, home DCs, files, flood windows). The machinery decrypts and unwraps
 * a request, asks a {@link CallHandler} what to do, and turns the answer into an `rpc_result`.
 */

/** One API call, unwrapped from `invokeWithLayer`, `initConnection` and friends. */
export interface MtprotoCall {
  /** The DC the call arrived at. */
  readonly dcId: number
  /** The auth key it was encrypted with (unsigned, as on the wire). */
  readonly authKeyId: bigint
  /** The client's session id (signed, as on the wire). */
  readonly sessionId: bigint
  /** The account this auth key is logged in as on this DC, or undefined while it is not. */
  readonly account: string | undefined
  /** The API layer the client announced with `invokeWithLayer`, if it has yet. */
  readonly layer: number | undefined
  /** TL method name, e.g. `messages.sendMessage`. */
  readonly method: string
  /**
   * The request's fields in mtcute's shape: camelCase names, `long` as `Long`, `int53` as number,
   * `bytes` as Uint8Array, nested objects as `{ _: name, ... }`.
   */
  readonly params: Readonly<Record<string, unknown>>
  /**
   * What the client had seen when it sent the call: on its session (`channel`), every server
   * message up to `seenUpTo`, being the highest it acknowledged (msgs_ack) or, since message ids
   * follow the clock, any sent before this call's own msg_id (a later message on the same session).
   */
  readonly receipt?: { readonly channel: string; readonly seenUpTo: bigint }
}

/** What to answer a call with. */
export type CallOutcome =
  /**
   * A result for the method: a TL object `{ _: 'config', ... }` in mtcute's shape, or an array or
   * boolean for methods returning `Vector<T>` or `Bool`. `authorize` binds the auth key to an
   * account on this DC (after a sign-in or an import), `null` unbinds it (log out).
   */
  | { readonly result: unknown; readonly authorize?: string | null }
  /**
   * An `rpc_error`, e.g. `{ code: 303, message: 'USER_MIGRATE_2' }`. `floodKey` marks a flood
   * refusal: the connection reports it to `delivered` with the message id it went out in.
   */
  | { readonly error: { readonly code: number; readonly message: string }; readonly floodKey?: string }
  /**
   * No answer: `close` drops the TCP connection (a crash or network fault), `silence` leaves the
   * call unanswered (a lost reply; the client must time out).
   */
  | { readonly drop: 'close' | 'silence' }

/** The world's side of the seam. Implementations may be synchronous or not. */
export interface CallHandler {
  /** Answers one call: a result, an error, or a dropped reply. */
  handle(call: MtprotoCall): Promise<CallOutcome> | CallOutcome
  /** A flood refusal for `floodKey` went out on `channel` in server message `messageId`. */
  delivered?(floodKey: string, notice: { readonly channel: string; readonly messageId: bigint }): void
}
