import { DeadlineExceededError } from '../../recovery/errors.js'

/**
 * A message whose slot under the bot's limits lies past the call's deadline: the call ends at once,
 * unsent, instead of waiting to fail, and the slot is not kept, so the messages behind it are not
 * spaced for one that never leaves. Thrown to grammY's caller as is (not a `GrammyError`: the Bot
 * API was never asked). A `DeadlineExceededError`, so code that handles running out of time
 * handles this too; `slotAt` says when the message could have gone.
 */
export class PaceDeadlineError extends DeadlineExceededError {
  /** When the slot was, epoch ms of the transformer's clock. */
  readonly slotAt: number
  /** How far off the slot was when the call asked for it, ms. */
  readonly delayMs: number

  /** Builds the error for a call of `method` with `deadlineMs` of budget, whose slot lay `delayMs` ahead. */
  constructor(method: string, deadlineMs: number, slotAt: number, delayMs: number) {
    super(method, deadlineMs)
    this.message =
      `${method}: the next free slot under the bot's limits is ${(delayMs / 1000).toFixed(1)} s away ` +
      `(${new Date(slotAt).toISOString()}), past the call's deadline of ${deadlineMs} ms; not sent. ` +
      'For a broadcast, raise deadlineMs (per call: transformer.withOptions(api, { deadlineMs }))'
    this.slotAt = slotAt
    this.delayMs = delayMs
  }
}

Object.defineProperty(PaceDeadlineError.prototype, 'name', {
  value: 'PaceDeadlineError',
  writable: true,
  configurable: true,
})
