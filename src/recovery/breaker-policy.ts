import { isRpcError } from '../error/rpc-error.js'
import { checkBreakerOptions } from './check-options.js'
import {
  type CircuitBreaker as Circuit,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type CircuitTransition,
} from './circuit-breaker.js'
import { CircuitOpenError, NetworkError } from './errors.js'
import { type BreakerEvent, Emitter, type Unsubscribe } from './events.js'
import type { Failure } from './failure.js'
import { type CallContext, PASS, type Policy } from './policy.js'

/** Options of {@link createBreakerPolicy}. Milliseconds throughout. */
export interface BreakerPolicyOptions extends CircuitBreakerOptions {
  /**
   * The longest a call waits for its DC's next probe (and, when a probe is out, for its verdict)
   * instead of failing at once; always within the call's deadline. Default 0: fail fast.
   */
  readonly maxBreakerWaitMs?: number
  /**
   * Which failures count against the DC they came from. Default: 500s, codes the protocol does not
   * list (-503 Timeout among them) and network failures; not 406, a deliberate answer. Any other
   * answer shows that the DC is up, and counts as a success.
   */
  readonly countsAgainstDc?: (failure: Failure) => boolean
}

/** A DC's circuit, as the policy reports it. */
export interface CircuitSnapshot {
  /** The DC (`undefined`: the home DC, not known yet). */
  readonly dcId: number | undefined
  /** Where its circuit stands. */
  readonly state: CircuitState
  /** When the next probe may go, epoch ms, while not closed. */
  readonly nextProbeAt: number | undefined
  /** Consecutive failures counted. */
  readonly failures: number
}

/** The breaker policy, with the state of its circuits. Created by {@link createBreakerPolicy}. */
export interface BreakerPolicy extends Policy {
  /** Every DC that has had a circuit so far. */
  circuits(): CircuitSnapshot[]
  /** The state of one DC's circuit (`closed` for a DC never seen failing). */
  stateOf(dcId: number | undefined): CircuitState
  /** Subscribes to transitions of every circuit, whichever invoker caused them. */
  on(name: 'breaker', listener: (event: BreakerEvent) => void): Unsubscribe
}

/** Key of the home DC while it is not known. */
const UNKNOWN_DC = 0

/** 500 and unknown codes (-503 among them) and network failures: what a DC in trouble sends. */
export function countsAgainstDcByDefault(failure: Failure): boolean {
  if (failure instanceof NetworkError) return true
  return isRpcError(failure) && failure.category === 'INTERNAL' && failure.code !== 406
}

function dcOf(call: CallContext): number | undefined {
  return call.dcId ?? call.invoker.homeDcId
}

/**
 * A circuit breaker per DC, as a policy. A storm of 500s, -503 timeouts or network failures from
 * one DC opens its circuit: calls to that DC then fail at once (a `CircuitOpenError` carrying
 * `retryAt`, the next probe; or the call's own last error with `giveUpReason: 'circuit-open'`), or
 * wait for the probe within `maxBreakerWaitMs` and their deadline. After `openMs` one call goes as
 * the probe: an answer closes the circuit, another failure opens it for twice as long. Every
 * transition is a `breaker` event, on the invoker whose call caused it and on the policy.
 *
 * Put it right after `floodGate` (`defaultPolicies({ breaker })` does): it must see every failure,
 * and it never decides one (it always passes), so it changes nothing for the policies after it.
 * One policy object may serve several invokers (a pool's accounts): they then share the circuits,
 * which is the point, since an outage is the DC's, not an account's.
 */
export function createBreakerPolicy(options: BreakerPolicyOptions = {}): BreakerPolicy {
  checkBreakerOptions(options)
  const circuits = new Map<number, Circuit>()
  const probes = new Map<Circuit, CallContext>()
  const verdicts = new Map<Circuit, { promise: Promise<void>; resolve: () => void }>()
  const events = new Emitter<{ breaker: BreakerEvent }>()
  const counts = options.countsAgainstDc ?? countsAgainstDcByDefault
  const maxWaitMs = Math.max(0, options.maxBreakerWaitMs ?? 0)

  function report(
    call: CallContext,
    dcId: number | undefined,
    circuit: Circuit,
    change: CircuitTransition | undefined,
  ): void {
    if (change === undefined) return
    if (change.from === 'half-open') {
      verdicts.get(circuit)?.resolve()
      verdicts.delete(circuit)
    }
    const event: BreakerEvent = { account: call.account, dcId, ...change }
    const sink = call.invoker.events
    if (sink.has('breaker')) sink.emit('breaker', event)
    events.emit('breaker', event)
  }

  function startProbe(call: CallContext, dcId: number | undefined, circuit: Circuit): void {
    probes.set(circuit, call)
    let settle!: () => void
    const promise = new Promise<void>((resolve) => {
      settle = resolve
    })
    verdicts.set(circuit, { promise, resolve: settle })
    // A probe that ends without an answer (aborted, out of time) must not leave the circuit half-open.
    call.done.then(() => {
      if (probes.get(circuit) !== call) return
      probes.delete(circuit)
      report(call, dcId, circuit, circuit.abandonProbe(call.invoker.clock.now()))
    })
  }

  function refuse(call: CallContext, dcId: number | undefined, retryAt: number): Failure {
    const failure = call.lastFailure ?? new CircuitOpenError(call.method, dcId, retryAt)
    call.annotate(failure, { giveUpReason: 'circuit-open', retryAt })
    return failure
  }

  /**
   * Admits the send, or refuses it, or (within the call's limits) waits for the next chance and asks
   * again. Synchronous unless it waits, so an admitted send pays no extra turn.
   */
  function admit(
    call: CallContext,
    dcId: number | undefined,
    circuit: Circuit,
  ): Failure | undefined | Promise<Failure | undefined> {
    const now = call.invoker.clock.now()
    const admission = circuit.admit(now, (change) => report(call, dcId, circuit, change))
    if (admission === 'send') return undefined
    if (admission === 'probe') {
      startProbe(call, dcId, circuit)
      return undefined
    }
    const probeOut = circuit.state === 'half-open'
    // While a probe is out the next chance is its verdict, which may come any moment.
    const retryAt = probeOut ? now : (circuit.nextProbeAt as number)
    const waitMs = retryAt - now
    if (maxWaitMs === 0 || !call.handles('breaker') || waitMs > maxWaitMs || retryAt >= call.deadlineAt) {
      return refuse(call, dcId, retryAt)
    }
    const waited = probeOut
      ? call
          .settle(verdicts.get(circuit)?.promise ?? Promise.resolve())
          .then((settled) => settled !== undefined)
      : call.sleep(waitMs)
    return waited.then((more) => (more ? admit(call, dcId, circuit) : undefined))
  }

  function circuitOf(dcId: number | undefined, create: boolean): Circuit | undefined {
    const key = dcId ?? UNKNOWN_DC
    let circuit = circuits.get(key)
    if (circuit === undefined && create) {
      circuit = new CircuitBreaker(options)
      circuits.set(key, circuit)
    }
    return circuit
  }

  function settleProbe(call: CallContext, circuit: Circuit): void {
    if (probes.get(circuit) === call) probes.delete(circuit)
  }

  return {
    name: 'breaker',
    beforeSend(call) {
      // No DC has failed yet: nothing to look up.
      if (circuits.size === 0) return undefined
      const dcId = dcOf(call)
      const circuit = circuitOf(dcId, false)
      if (circuit === undefined || circuit.state === 'closed') return undefined
      return admit(call, dcId, circuit)
    },
    onFailure(call, failure) {
      const dcId = dcOf(call)
      if (counts(failure)) {
        const circuit = circuitOf(dcId, true) as Circuit
        settleProbe(call, circuit)
        report(call, dcId, circuit, circuit.failure(call.invoker.clock.now()))
      } else {
        const circuit = circuitOf(dcId, false)
        if (circuit !== undefined) {
          settleProbe(call, circuit)
          report(call, dcId, circuit, circuit.success())
        }
      }
      return PASS
    },
    onSuccess(call) {
      if (circuits.size === 0) return
      const dcId = dcOf(call)
      const circuit = circuitOf(dcId, false)
      if (circuit === undefined) return
      settleProbe(call, circuit)
      report(call, dcId, circuit, circuit.success())
    },
    circuits() {
      return [...circuits].map(([key, circuit]) => ({
        dcId: key === UNKNOWN_DC ? undefined : key,
        state: circuit.state,
        nextProbeAt: circuit.nextProbeAt,
        failures: circuit.consecutiveFailures,
      }))
    },
    stateOf(dcId) {
      return circuitOf(dcId, false)?.state ?? 'closed'
    },
    on(name, listener) {
      return events.on(name, listener)
    },
  }
}
