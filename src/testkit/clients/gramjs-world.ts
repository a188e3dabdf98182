import { Api, errors, type TelegramClient } from 'telegram'
import { methodNameOf } from '../../adapters/gramjs/method-name.js'
import { setLongTimeout } from '../../recovery/long-timer.js'
import type { World, WorldCall, WorldOutcome } from '../world/index.js'
import { worldParamsOf } from './world-params.js'

/** Options of {@link attachWorld}. */
export interface GramjsWorldOptions {
  /** The simulated server that answers every call. */
  readonly world: World
  /** The world account the client is logged in as. */
  readonly account: string
  /** Asked before the world for every call: return an outcome to answer with it instead (scripted faults). */
  readonly intercept?: (call: WorldCall) => WorldOutcome | undefined
  /**
   * Answer after this many real milliseconds. Default 0: answers come a microtask later, which is
   * what fake clocks need.
   */
  readonly latencyMs?: number
}

/** The scripted network attached to a client. */
export interface GramjsWorld {
  /** Every call that reached the server, in order. */
  readonly calls: readonly WorldCall[]
  /** The main sender in use now. */
  readonly mainSender: WorldSender
  /** A sender to `dcId` answered by the same world (to stand for one GramJS already holds). */
  createSender(dcId: number, authenticated: boolean): WorldSender
  /** Clears GramJS's timers for exported senders, so the process can exit. */
  dispose(): void
}

type Answer = (dcId: number, request: RequestObject) => Promise<unknown>

interface RequestObject {
  readonly className: string
  readonly query?: RequestObject
}

interface RequestState {
  readonly request: RequestObject
  resolve(value: unknown): void
  reject(error: unknown): void
}

/** Envelopes GramJS wraps around a call when it (re)initialises a connection. */
const ENVELOPES: ReadonlySet<string> = new Set(['InvokeWithLayer', 'InitConnection', 'InvokeWithoutUpdates'])

/** A sender the world answers for, as a test looks at it; GramJS sees a whole `MTProtoSender` stand-in. */
export interface WorldSender {
  /** The DC the sender talks to. */
  readonly dcId: number
  /** Set by `disconnect()`, as on GramJS's sender; a test sets it to stand for a deliberate disconnect. */
  userDisconnected: boolean
  /** Whether the account's authorization was imported on this sender's DC. */
  readonly _authenticated: boolean
}

/**
 * A stand-in for GramJS's `MTProtoSender`: the members GramJS's client code touches, with every
 * request answered by the simulated world. Errors are the objects GramJS's own `RPCMessageToError`
 * builds from an `rpc_error`, so the client's real error handling runs on them.
 */
export class ScriptedSender implements WorldSender {
  /** Set by `disconnect()`, as on GramJS's sender. */
  userDisconnected = false
  /** Whether the authorization was imported here (exported senders start without). */
  _authenticated: boolean
  /** Never connecting: connections are instant. */
  readonly isConnecting = false
  /** GramJS reads and clears the key when it switches DC; there is none to keep. */
  readonly authKey = { getKey: (): undefined => undefined, setKey: async (): Promise<void> => undefined }
  /** GramJS checks for hanging requests before releasing an exported sender. */
  readonly _pendingState = { values: (): unknown[] => [] }

  constructor(
    /** The DC this sender talks to. */
    public dcId: number,
    private readonly answer: Answer,
    authenticated: boolean,
  ) {
    this._authenticated = authenticated
  }

  /** Connects at once. */
  async connect(): Promise<boolean> {
    this.userDisconnected = false
    return true
  }

  /** Connected until `disconnect()`. */
  isConnected(): boolean {
    return !this.userDisconnected
  }

  /** Marks the sender disconnected. */
  async disconnect(): Promise<void> {
    this.userDisconnected = true
  }

  /** What GramJS's `sender.send(request)` does: queue it, resolve with the answer. */
  send(request: RequestObject): Promise<unknown> {
    return this.answer(this.dcId, request)
  }

  /** What GramJS's own invoke uses: the same, through a RequestState. */
  addStateToQueue(state: RequestState): void {
    this.send(state.request).then(
      (value) => state.resolve(value),
      (error: unknown) => state.reject(error),
    )
  }
}

/**
 * Replaces the network of a GramJS `TelegramClient` (not connected; its session already set to the
 * home DC with `session.setDC`) by scripted senders answered from `world`. Only the transport is
 * replaced: `client.invoke`, GramJS's error classes, `_switchDC`, `getSender` and the export and
 * import of authorizations all run GramJS's own code.
 */
export function attachWorld(client: TelegramClient, options: GramjsWorldOptions): GramjsWorld {
  const internals = client as unknown as GramjsInternals
  const calls: WorldCall[] = []
  const latencyMs = options.latencyMs ?? 0

  const answer: Answer = async (dcId, outer) => {
    let request = outer
    while (ENVELOPES.has(request.className) && request.query !== undefined) request = request.query
    const call: WorldCall = {
      dcId,
      account: options.account,
      method: methodNameOf(request.className),
      params: worldParamsOf(request),
    }
    calls.push(call)
    const outcome = options.intercept?.(call) ?? options.world.handle(call)
    if (latencyMs > 0) await new Promise<void>((resolve) => setLongTimeout(resolve, latencyMs))
    if (outcome.kind === 'error') {
      throw errors.RPCMessageToError(
        new Api.RpcError({ errorCode: outcome.code, errorMessage: outcome.message }),
        request as never,
      )
    }
    return resultOf(call, outcome.value)
  }

  internals._sender = new ScriptedSender(client.session.dcId, answer, true)
  // GramJS reconnects through connect() after switching DC; a fresh scripted sender stands for the
  // new connection (its authorization on that DC is the world's business).
  internals.connect = async () => {
    internals._sender = new ScriptedSender(client.session.dcId, answer, true)
    internals._connectedDeferred.resolve()
    return true
  }
  internals._createExportedSender = (dcId) => new ScriptedSender(dcId, answer, false)
  internals._connectedDeferred.resolve()

  return {
    calls,
    get mainSender() {
      return internals._sender as ScriptedSender
    },
    createSender: (dcId, authenticated) => new ScriptedSender(dcId, answer, authenticated),
    dispose() {
      for (const timer of internals._exportedSenderReleaseTimeouts.values()) clearTimeout(timer)
      internals._exportedSenderReleaseTimeouts.clear()
    },
  }
}

interface GramjsInternals {
  _sender: ScriptedSender | undefined
  connect(): Promise<boolean>
  _createExportedSender(dcId: number): ScriptedSender
  _connectedDeferred: { resolve(): void }
  _exportedSenderReleaseTimeouts: Map<number, ReturnType<typeof setTimeout>>
}

/** The world's plain answers as the TL objects GramJS's callers expect. */
function resultOf(call: WorldCall, value: unknown): unknown {
  const bag = (value ?? {}) as Record<string, unknown>
  switch (call.method) {
    case 'help.getConfig':
      return new Api.Config({
        thisDc: Number(bag.thisDc),
        dcOptions: ((bag.dcIds as number[] | undefined) ?? []).map(
          (id) => new Api.DcOption({ id, ipAddress: '127.0.0.1', port: 443 }),
        ),
      } as never)
    case 'messages.sendMessage':
      return new Api.UpdateShortSentMessage({
        id: Number(bag.id),
        pts: Number(bag.id),
        ptsCount: 1,
        date: Math.floor(Date.now() / 1000),
      } as never)
    case 'auth.exportAuthorization':
      return new Api.auth.ExportedAuthorization({
        id: bag.id,
        bytes: Buffer.from(String(bag.bytes)),
      } as never)
    default:
      return value
  }
}
