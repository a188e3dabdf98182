import { type FloodError, isRpcError } from '../error/rpc-error.js'
import { type CallContext, type Decision, PASS, type Policy, RETRY, STOP } from './policy.js'

/** The wait a flood error asks for, in seconds, or `undefined` when it names none. */
function waitSecondsOf(error: FloodError): number | undefined {
  const { seconds, minutes } = error.params
  if (seconds !== undefined) return seconds
  if (minutes !== undefined) return minutes * 60
  return undefined
}

function handleFlood(call: CallContext, error: FloodError): Decision | Promise<Decision> {
  const { invoker } = call
  const { clock, events } = invoker
  const knowledge = call.knowledge(error)
  const now = clock.now()
  const seconds = waitSecondsOf(error)
  // Weekly/monthly story quotas and PREMIUM_SUB_ACTIVE_UNTIL name a unix time, not a wait.
  const { timestamp } = error.params
  const retryAt =
    seconds !== undefined ? now + seconds * 1000 : timestamp !== undefined ? timestamp * 1000 : undefined

  // Not every 420 is a wait: a frozen account, a weekly story quota, a choice between waiting and
  // paying. These go to the caller at once, with the numbers already parsed on the error.
  if (knowledge.action === 'do-not-retry' || knowledge.action === 'wait-or-pay' || seconds === undefined) {
    call.annotate(error, {
      giveUpReason: knowledge.action === 'wait-or-pay' ? 'flood-choice' : 'not-retryable',
      ...(retryAt !== undefined && Number.isFinite(retryAt) && { retryAt }),
    })
    return STOP
  }

  // FLOOD_WAIT_0 happens; answering it with an immediate repeat invites the next one.
  const waitMs = Math.max(seconds * 1000, invoker.minFloodWaitMs)
  if (!Number.isFinite(waitMs)) {
    call.annotate(error, { giveUpReason: 'flood-wait-too-long' })
    return STOP
  }
  const scope = invoker.floodScopeOf(error, call)
  const key = invoker.floodKeyOf(call, scope)
  // Learn first: calls that meet the window from now on then find the key paced when it ends.
  if (error.template === 'FLOOD_WAIT_%d') invoker.pacing.learn(call, key, scope, waitMs, now)
  invoker.recordFlood(key, now + waitMs, now)
  // The store never shortens a window, and may hold a longer one than this error's.
  const endsAt = Math.max(now + waitMs, invoker.floodStore.get(key, now) ?? 0)

  if (error.template === 'FLOOD_PREMIUM_WAIT_%d' && events.has('speedLimit')) {
    events.emit('speedLimit', {
      method: call.method,
      account: call.account,
      dcId: call.dcId,
      waitMs,
      error,
    })
  }

  const handles = call.handles('flood')
  const tooLong = endsAt - now > call.limits.maxFloodWaitMs
  const pastDeadline = endsAt >= call.deadlineAt
  // A paced call that meets a window is waiting its turn, not failing: only the deadline and
  // maxFloodWaitMs bound it. Without pacing, maxFloodWaits stops a call that keeps being refused.
  const counted = handles && call.count('flood') > call.limits.maxFloodWaits
  const exhausted = counted && !invoker.pacing.appliesTo(call)
  const willWait = handles && !tooLong && !pastDeadline && !exhausted
  if (events.has('floodWait')) {
    events.emit('floodWait', {
      method: call.method,
      account: call.account,
      dcId: call.dcId,
      key,
      error,
      waitMs: endsAt - now,
      retryAt: endsAt,
      willWait,
    })
  }
  if (!willWait) {
    const giveUpReason = !handles
      ? 'opted-out'
      : tooLong
        ? 'flood-wait-too-long'
        : pastDeadline
          ? 'deadline'
          : 'flood-waits-exhausted'
    call.annotate(error, { retryAt: endsAt, giveUpReason })
    return STOP
  }
  // Waiting through the gate shares one timer with every other call held on the same key.
  return call.holdUntil(key, endsAt).then((released) => (released ? RETRY : STOP))
}

/**
 * 420 FLOOD: record the window in the flood store under the call's key, then sleep through it and
 * repeat if it fits the call's budget (`maxFloodWaitMs`, the deadline, `maxFloodWaits`), or give
 * the FloodError to the caller at once with `retryAt`. The non-waits (FROZEN_METHOD_INVALID, story
 * quotas, PREMIUM_SUB_ACTIVE_UNTIL, FLOOD_WAIT_X_OR_STARS_Y) go to the caller unslept.
 * FLOOD_PREMIUM_WAIT also emits `speedLimit`. A FLOOD_WAIT also teaches the key its pace
 * (see `PacingOptions`); a paced call is not bounded by `maxFloodWaits`.
 */
export const floodPolicy: Policy = {
  name: 'flood',
  onFailure(call, failure) {
    if (!isRpcError(failure) || failure.category !== 'FLOOD') return PASS
    return handleFlood(call, failure as FloodError)
  },
}
