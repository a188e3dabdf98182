import { boundForDisplay } from '../error/format.js'
import { VERSION } from '../version.js'
import type { AttemptRecord } from './attempt.js'
import type { PaceSnapshot } from './pacing-service.js'

/** The facts a {@link DiagnosticReport} is built from. Params must already be redacted. */
export interface DiagnosticReportInput {
  /** The API method of the call. */
  readonly method: string
  /** The call's parameters. */
  readonly params: unknown
  /** The DC of the call (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** The home DC when the call ended, when known. */
  readonly homeDcId: number | undefined
  /** When the call started, epoch ms. */
  readonly startedAt: number
  /** When the call ended, epoch ms. */
  readonly endedAt: number
  /** The failure the call ended with. */
  readonly outcome: { readonly name: string; readonly code: number | undefined; readonly message: string }
  /** Every failed send of the call. */
  readonly attempts: readonly AttemptRecord[]
  /** The paces that apply to the call's method when the report is made, if any. */
  readonly pacing?: readonly PaceSnapshot[]
}

/**
 * What to send to Telegram's developers about a call that kept failing with internal errors, as the
 * protocol asks: the method, its (redacted) parameters, the DC, every attempt with its code, message
 * and timing, and the library version. `toText()` is for a bug report, `toJSON()` for tooling.
 */
export class DiagnosticReport {
  /** `mtproto-errors` and its version. */
  readonly library: string = `mtproto-errors ${VERSION}`
  /** The API method. */
  readonly method: string
  /** The call's parameters, redacted unless redaction was turned off. */
  readonly params: unknown
  /** The DC of the last attempt (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** The home DC when the call ended, when known. */
  readonly homeDcId: number | undefined
  /** When the call started, epoch ms. */
  readonly startedAt: number
  /** How long the call took in all, ms. */
  readonly durationMs: number
  /** The failure the call ended with. */
  readonly outcome: DiagnosticReportInput['outcome']
  /** Every failed send, in order. */
  readonly attempts: readonly AttemptRecord[]
  /** The paces that apply to the call's method when the report was made (empty: not paced). */
  readonly pacing: readonly PaceSnapshot[]

  /** Builds a report; prefer the one attached to the thrown error. */
  constructor(input: DiagnosticReportInput) {
    this.method = input.method
    this.params = input.params
    this.dcId = input.dcId
    this.homeDcId = input.homeDcId
    this.startedAt = input.startedAt
    this.durationMs = input.endedAt - input.startedAt
    this.outcome = input.outcome
    this.attempts = input.attempts
    this.pacing = input.pacing ?? []
  }

  /** Plain data, ready for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return {
      library: this.library,
      method: this.method,
      params: this.params,
      dcId: this.dcId,
      homeDcId: this.homeDcId,
      startedAt: new Date(this.startedAt).toISOString(),
      durationMs: this.durationMs,
      outcome: this.outcome,
      attempts: this.attempts,
      ...(this.pacing.length > 0 && { pacing: this.pacing }),
    }
  }

  /** A readable report to paste into a message to Telegram's developers. */
  toText(): string {
    const lines = [
      `${this.library} diagnostic report`,
      `method: ${this.method}`,
      `dc: ${this.dcId ?? 'home'}${this.homeDcId === undefined ? '' : ` (home ${this.homeDcId})`}`,
      `started: ${new Date(this.startedAt).toISOString()}, lasted ${this.durationMs} ms`,
      `result: ${describeOutcome(this.outcome)}`,
      `attempts (${this.attempts.length}):`,
    ]
    for (const a of this.attempts) {
      const wait = a.waitMs > 0 ? `, after waiting ${a.waitMs} ms` : ''
      lines.push(
        `  #${a.attempt} dc ${a.dcId ?? 'home'} at +${a.startedAt - this.startedAt} ms${wait}, ` +
          `took ${a.durationMs} ms: ${a.code ?? '-'} ${boundForDisplay(a.message)}`,
      )
    }
    for (const pace of this.pacing) {
      lines.push(
        `paced: ${pace.key} at ${pace.ratePerSecond.toFixed(3)}/s (up to ${pace.ceilingPerSecond.toFixed(3)}/s), ` +
          `${pace.waiting} waiting, next slot ${new Date(pace.nextSlotAt).toISOString()}`,
      )
    }
    lines.push('params:', JSON.stringify(this.params, null, 2) ?? 'undefined')
    return lines.join('\n')
  }
}

function describeOutcome(outcome: DiagnosticReportInput['outcome']): string {
  const code = outcome.code === undefined ? '' : `${outcome.code} `
  return `${code}${boundForDisplay(outcome.message)} (${outcome.name})`
}
