/**
 * What a client should do about a `bad_msg_notification` or `bad_server_salt`. In every case the
 * call itself was not executed and must be sent again; the action says what to fix first.
 * - `sync-clock-and-resend`: correct the clock offset from the server's msg_id, resend with a new msg_id;
 * - `resend-with-new-msg-id`: resend under a fresh msg_id;
 * - `reset-session-and-resend`: seqno bookkeeping is off; start a new session and resend;
 * - `resend-with-new-salt`: store the salt from `bad_server_salt` and resend with it;
 * - `resend-without-container`: the container was rejected; resend its messages individually.
 */
export type BadMsgAction =
  | 'sync-clock-and-resend'
  | 'resend-with-new-msg-id'
  | 'reset-session-and-resend'
  | 'resend-with-new-salt'
  | 'resend-without-container'

/** A `bad_msg_notification` error code explained. */
export interface BadMsgExplanation {
  /** What the server objected to, in plain words. */
  readonly meaning: string
  /** The recommended recovery. */
  readonly action: BadMsgAction
  /** Whether the code is one the protocol documents; others are explained by their group. */
  readonly known: boolean
}

/** The documented codes (16-20, 32-35, 48, 64), in our words. */
export const BAD_MSG_CODES: Readonly<Record<number, BadMsgExplanation>> = Object.freeze({
  16: known('msg_id too low: the client clock is probably behind the server', 'sync-clock-and-resend'),
  17: known('msg_id too high: the client clock is probably ahead of the server', 'sync-clock-and-resend'),
  18: known('msg_id is not divisible by 4, as client message ids must be', 'resend-with-new-msg-id'),
  19: known('the container reused the msg_id of a message the server already has', 'resend-with-new-msg-id'),
  20: known(
    'message too old: the server cannot tell whether it already received this msg_id',
    'resend-with-new-msg-id',
  ),
  32: known('msg_seqno too low for this msg_id', 'reset-session-and-resend'),
  33: known('msg_seqno too high for this msg_id', 'reset-session-and-resend'),
  34: known(
    'an even msg_seqno (not content-related) was expected, an odd one was sent',
    'reset-session-and-resend',
  ),
  35: known(
    'an odd msg_seqno (content-related) was expected, an even one was sent',
    'reset-session-and-resend',
  ),
  48: known('incorrect server salt; bad_server_salt carries the right one', 'resend-with-new-salt'),
  64: known('invalid container', 'resend-without-container'),
})

/**
 * The protocol groups codes by `code >> 4` (0x1_ msg_id, 0x2_ seqno, 0x3_ salt, 0x4_ container), so
 * an undocumented code still gets the action of its group.
 */
const GROUPS: Readonly<Record<number, readonly [topic: string, action: BadMsgAction]>> = {
  1: ['msg_id', 'resend-with-new-msg-id'],
  2: ['msg_seqno', 'reset-session-and-resend'],
  3: ['server salt', 'resend-with-new-salt'],
  4: ['container', 'resend-without-container'],
}

/** Explains any `error_code` of a `bad_msg_notification`; never throws. */
export function explainBadMsgCode(code: number): BadMsgExplanation {
  const documented = BAD_MSG_CODES[code]
  if (documented !== undefined) return documented
  const group = Number.isInteger(code) && code >= 0 ? GROUPS[code >> 4] : undefined
  if (group === undefined) {
    return { meaning: `unknown error code ${code}`, action: 'reset-session-and-resend', known: false }
  }
  return { meaning: `unknown error code ${code} about the ${group[0]}`, action: group[1], known: false }
}

function known(meaning: string, action: BadMsgAction): BadMsgExplanation {
  return Object.freeze({ meaning, action, known: true })
}
