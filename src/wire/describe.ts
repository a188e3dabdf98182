import { describeValue } from '../error/foreign-value.js'
import { boundForDisplay, type RpcError } from '../error/index.js'
import { type BytesInput, toBytes } from './bytes-input.js'
import { formatConstructorId } from './constructor-ids.js'
import { DecodeError } from './decode-error.js'
import { decodeMessages } from './decode-messages.js'
import type { DecodedMessage, RpcOutcome } from './decoded-message.js'
import { decodeTransportError } from './transport-error.js'

/** Names for ids a reader of a dump meets most, so bodies left undecoded still say what they are. */
const COMMON_CONSTRUCTORS: Readonly<Record<number, string>> = {
  2574415285: 'boolTrue',
  3162085175: 'boolFalse',
  481674261: 'vector',
  1658238041: 'msgs_ack',
  880243653: 'pong',
  2663516424: 'new_session_created',
  2924480661: 'future_salts',
  661470918: 'msg_detailed_info',
  2157819615: 'msg_new_detailed_info',
  1957577280: 'updates',
  2027216577: 'updateShort',
  3809980286: 'updatesTooLong',
}

/** How many bytes of context a decode failure shows on each side of its offset. */
const CONTEXT_BYTES = 8

/**
 * What `bytes` hold, as lines of text for people (the CLI's `decode`): a transport error, or each
 * message with its msg_id, outcome, error and recommended action. Never throws: bytes that do not
 * decode are described by the reason and offset, with the bytes around it. (A value that is not
 * bytes at all is a `TypeError`.)
 */
export function describeBytes(input: BytesInput): string {
  const bytes = toBytes(input, 'describeBytes')
  const transport = decodeTransportError(bytes)
  if (transport !== undefined) {
    return [`transport error ${transport.code}: ${transport.meaning}`, `  action: ${transport.action}`].join(
      '\n',
    )
  }
  let messages: DecodedMessage[]
  try {
    messages = decodeMessages(bytes)
  } catch (error) {
    if (error instanceof DecodeError) return describeFailure(error, bytes).join('\n')
    return `cannot decode ${bytes.length} bytes: ${describeValue(error)}`
  }
  const container = messages.some((message) => message.msgId !== undefined)
  const lines: string[] = []
  if (container || messages.length !== 1) {
    lines.push(`msg_container: ${messages.length} message${messages.length === 1 ? '' : 's'}`)
    messages.forEach((message, index) => {
      lines.push(`[${index + 1}] msg_id ${message.msgId} seqno ${message.seqNo}`)
      for (const line of describeMessage(message, bytes)) lines.push(`    ${line}`)
    })
  } else {
    lines.push(...describeMessage(messages[0]!, bytes))
  }
  return lines.join('\n')
}

function describeMessage(message: DecodedMessage, input: Uint8Array): string[] {
  switch (message.kind) {
    case 'rpc_result':
      return [
        `rpc_result for req_msg_id ${message.reqMsgId}`,
        ...describeOutcome(message.outcome).map(indent),
      ]
    case 'bad_msg_notification':
      return [
        `bad_msg_notification for msg_id ${message.badMsgId} (seqno ${message.badMsgSeqno})`,
        `  error code ${message.errorCode}: ${message.meaning}`,
        `  action: ${message.action}`,
      ]
    case 'bad_server_salt':
      return [
        `bad_server_salt for msg_id ${message.badMsgId} (seqno ${message.badMsgSeqno})`,
        `  error code ${message.errorCode}: ${message.meaning}`,
        `  new server salt: ${message.newServerSalt}`,
        `  action: ${message.action}`,
      ]
    case 'other':
      return [
        `${describeObject(message.constructorId, message.body.length)}${message.gzipped ? ', gzipped' : ''}`,
      ]
    case 'invalid': {
      const call = message.reqMsgId === undefined ? '' : ` (rpc_result for req_msg_id ${message.reqMsgId})`
      return [`invalid message${call}`, ...describeFailure(message.error, input).map(indent)]
    }
  }
}

function describeOutcome(outcome: RpcOutcome): string[] {
  const gzipped = outcome.gzipped ? ' (gzipped)' : ''
  if (outcome.ok) {
    const id = outcome.body.length >= 4 ? readId(outcome.body) : undefined
    const object = id === undefined ? `${outcome.body.length} bytes` : describeObject(id, outcome.body.length)
    return [`result${gzipped}: ${object}`]
  }
  return [`rpc_error${gzipped} ${describeError(outcome.error)}`]
}

function describeError(error: RpcError): string {
  const parts = [`${error.code} ${printable(boundForDisplay(error.errorMessage))}`]
  parts.push(`${error.name}, category ${error.category}`)
  if (error.template !== undefined && error.template !== error.type) parts.push(`template ${error.template}`)
  for (const [name, value] of Object.entries(error.params)) parts.push(`${name}=${value}`)
  return `${parts[0]} (${parts.slice(1).join(', ')})`
}

function describeObject(id: number, length: number): string {
  const name = COMMON_CONSTRUCTORS[id]
  return `${name === undefined ? 'object' : name} ${formatConstructorId(id)}, ${length} bytes`
}

function describeFailure(error: DecodeError, bytes: Uint8Array): string[] {
  const lines = [`cannot decode: ${error.reason} at offset ${error.offset}`]
  if (error.inflatedOffset !== undefined)
    lines.push(`  (offset ${error.inflatedOffset} of the inflated data)`)
  lines.push(`  ${error.detail}`)
  if (bytes.length > 0) {
    const from = Math.max(0, Math.min(error.offset, bytes.length) - CONTEXT_BYTES)
    const to = Math.min(bytes.length, error.offset + CONTEXT_BYTES)
    lines.push(`  bytes ${from}..${to}: ${toHex(bytes.subarray(from, to))}`)
  }
  return lines
}

function readId(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0
}

function indent(line: string): string {
  return `  ${line}`
}

function toHex(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += `${text.length === 0 ? '' : ' '}${byte.toString(16).padStart(2, '0')}`
  return text
}

/** Server text goes to a terminal: control characters are shown escaped, never interpreted. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/**
 * Bytes from hex text as people paste it: whitespace, newlines, commas and colons are ignored, and
 * each group may start with `0x`. Throws a `SyntaxError` naming the first bad character and its
 * position, or the odd digit count.
 */
export function parseHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length >>> 1)
  let length = 0
  let high = -1
  let digits = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (isSeparator(c)) continue
    if (
      c === 48 &&
      (text.charCodeAt(i + 1) | 0x20) === 120 &&
      (i === 0 || isSeparator(text.charCodeAt(i - 1)))
    ) {
      i++
      continue
    }
    const value = hexValue(c)
    if (value < 0) {
      throw new SyntaxError(`parseHex: ${JSON.stringify(text[i])} at position ${i} is not a hex digit`)
    }
    digits++
    if (high < 0) {
      high = value
    } else {
      out[length++] = (high << 4) | value
      high = -1
    }
  }
  if (high >= 0) throw new SyntaxError(`parseHex: odd number of hex digits (${digits}); each byte needs two`)
  return out.slice(0, length)
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 58
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  const lower = c | 0x20
  if (lower >= 97 && lower <= 102) return lower - 87
  return -1
}
