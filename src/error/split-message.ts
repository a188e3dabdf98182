/** The two halves of an `error_message`: the machine-readable type and the optional free text. */
export interface SplitMessage {
  /** `/[A-Z_0-9]+/`, or `undefined` when the message does not start with a type. */
  readonly type: string | undefined
  /** Free text after `TYPE: `, or the whole message when it has no type. Only ever shown, never used for logic. */
  readonly description: string | undefined
}

const NO_MESSAGE: SplitMessage = Object.freeze({ type: undefined, description: undefined })

/**
 * Splits an `error_message` the way the protocol describes (`/^([A-Z_0-9]+)(: (.+))?/`), read as a
 * whole-message match: a message is either `TYPE` or `TYPE: description`. Anything else (`Timeout`,
 * sent with code -503, or `FLOOD_WAIT_30 extra`) has no type and keeps its whole text as the
 * description, so nothing is lost and nothing throws.
 *
 * Hand-written scan instead of the regular expression: it runs once per error in the hot path and
 * avoids allocating a match array. Descriptions keep newlines (the protocol's `.` would cut them).
 */
export function splitErrorMessage(message: string): SplitMessage {
  const end = typeEnd(message)
  if (end === -1) return message.length === 0 ? NO_MESSAGE : { type: undefined, description: message }
  if (end === message.length) return { type: message, description: undefined }
  return { type: message.slice(0, end), description: message.slice(end + 2) }
}

/**
 * Where the type of `message` ends: its length for a bare type, the index of `: ` when a description
 * follows, or -1 when the message has no type. Allocation-free, for the factory's hot path.
 */
export function typeEnd(message: string): number {
  const length = message.length
  let i = 0
  while (i < length) {
    const c = message.charCodeAt(i)
    // A-Z, 0-9, _
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) i++
    else break
  }
  if (i === 0) return -1
  if (i === length) return i
  if (i + 2 < length && message.charCodeAt(i) === 58 && message.charCodeAt(i + 1) === 32) return i
  return -1
}
