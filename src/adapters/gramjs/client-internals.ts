/**
 * The members of a GramJS `TelegramClient` (telegram 2.26) the adapter reads or replaces. Most are
 * marked `@hidden` in GramJS's declarations; naming them here keeps every such dependency in one
 * place, so a GramJS upgrade is checked against one list.
 */

/** A GramJS `MTProtoSender`, as far as sending goes. */
export interface SenderLike {
  /** Queues a request; resolves with its result or rejects with GramJS's `RPCError` family. */
  send(request: unknown): Promise<unknown>
  /** Set by `disconnect()`: GramJS refuses to send through such a sender. */
  userDisconnected?: boolean
  /** The DC the sender talks to. */
  dcId?: number
  /** Whether the authorization was imported on this (exported) sender's DC. */
  _authenticated?: boolean
}

/** A request object of GramJS (`new Api.messages.SendMessage(...)`). */
export interface RequestLike {
  readonly className: string
  readonly classType: string
  /** Turns entity-like arguments ('me', usernames, entities) into input peers. */
  resolve(client: unknown, utils: unknown): Promise<void>
}

/** The client's invoke entry points, as functions taking their `this`. */
export type InvokeFn = (request: RequestLike, dcId?: number) => Promise<unknown>
/** `client.invokeWithSender(request, sender)`. */
export type InvokeWithSenderFn = (request: RequestLike, sender?: SenderLike) => Promise<unknown>

/** The client, seen through the members used. */
export interface ClientInternals {
  invoke: InvokeFn
  invokeWithSender: InvokeWithSenderFn
  /** The main sender, connected to the home DC; `undefined` before `connect()`. */
  _sender?: SenderLike | undefined
  /** Resolved once `connect()` finished; GramJS's own invoke waits for it too. */
  _connectedDeferred: { promise: Promise<void> }
  _requestRetries: number
  floodSleepThreshold: number
  _lastRequest?: number
  _entityCache: { add(result: unknown): void }
  session: { dcId: number; processEntities(result: unknown): void }
  /** A sender for another DC; GramJS exports and imports the authorization when it creates one. */
  getSender(dcId: number): Promise<SenderLike>
  _borrowExportedSender(dcId: number, shouldReconnect?: boolean, existing?: SenderLike): Promise<SenderLike>
  _exportedSenderPromises: Map<number, Promise<SenderLike>>
  /** Moves the main connection (and the session) to another DC. */
  _switchDC(dcId: number): Promise<unknown>
  /** Set while `_switchDC` runs: the old main sender is disconnected then, but not on purpose. */
  _isSwitchingDc?: boolean
}
