import type { ErrorParams } from './match-template.js'

/**
 * How much of a wire string is shown in `message` and `toJSON()`. The server controls
 * `error_message`; a megabyte of it must not be copied into every log line.
 */
export const MAX_SHOWN_LENGTH = 256

/** Cuts text longer than {@link MAX_SHOWN_LENGTH}, saying how much was left out. */
export function boundForDisplay(text: string): string {
  if (text.length <= MAX_SHOWN_LENGTH) return text
  return `${text.slice(0, MAX_SHOWN_LENGTH)}… (${text.length - MAX_SHOWN_LENGTH} more characters)`
}

function describeParam(name: string, value: number): string {
  switch (name) {
    case 'seconds':
      return `a wait of ${value} seconds is required`
    case 'dcId':
      return `the call belongs on DC ${value}`
    case 'part':
      return `file part ${value} is missing`
    default:
      return `${name} = ${value}`
  }
}

/**
 * The human-readable `message` of an error: `420 FLOOD_WAIT_30: a wait of 30 seconds is required`.
 * Built from the code, the (bounded) wire message and the parameters; never from a catalogue, so the
 * core stays small.
 */
export function formatErrorMessage(code: number, errorMessage: string, params: ErrorParams): string {
  let text = `${code} ${errorMessage.length === 0 ? '(empty error_message)' : boundForDisplay(errorMessage)}`
  const names = Object.keys(params)
  if (names.length > 0) {
    text += `: ${names.map((name) => describeParam(name, params[name] as number)).join(', ')}`
  }
  return text
}
