import type { Command } from 'commander'
import { isRpcError } from '../../error/index.js'
import {
  type DecodedMessage,
  DecodeError,
  decodeMessages,
  decodeTransportError,
  describeBytes,
  parseHex,
} from '../../wire/index.js'
import { type CliContext, raiseExitCode } from '../context.js'
import { EXIT_CODES } from '../exit-codes.js'

function toHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** JSON has no bigint, bytes or error objects: turn them into strings, hex and `toJSON()` forms. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return toHex(value)
  if (isRpcError(value)) return value.toJSON()
  if (value instanceof DecodeError) {
    return { reason: value.reason, offset: value.offset, message: value.message }
  }
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]))
  }
  return value
}

/** The JSON form of what bytes hold; `ok: false` with the decode failure when they do not decode. */
export function decodeToJson(bytes: Uint8Array): { ok: boolean; value: unknown } {
  const transport = decodeTransportError(bytes)
  if (transport !== undefined) return { ok: true, value: { kind: 'transport_error', ...transport } }
  try {
    const messages: DecodedMessage[] = decodeMessages(bytes)
    return {
      ok: !messages.some((m) => m.kind === 'invalid'),
      value: { kind: 'messages', messages: plain(messages) },
    }
  } catch (error) {
    if (error instanceof DecodeError)
      return { ok: false, value: { kind: 'undecodable', error: plain(error) } }
    throw error
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
  return text
}

/** `decode`: what a frame of bytes holds. */
export function registerDecode(program: Command, context: CliContext): void {
  program
    .command('decode')
    .summary('decode MTProto bytes (rpc_result, rpc_error, gzip_packed, msg_container, ...)')
    .description(
      'Decode hex bytes the way a client receives them: a lone object or a msg_container, with\n' +
        'rpc_result, rpc_error, gzip_packed, bad_msg_notification and bad_server_salt decoded and\n' +
        'explained, or a 4-byte transport error such as -404. Spaces, colons and 0x are ignored.\n' +
        'Use "-" to read the hex from stdin.\n\n' +
        'Exit status: 0 decoded, 1 the bytes do not decode (the reason and offset are printed),\n' +
        '2 usage error or bad hex.',
    )
    .argument('<hex...>', 'the bytes as hex, or "-" for stdin')
    .option('--json', 'print a JSON object instead of text')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ mtproto-errors decode 016d5cf3 0100000000000000 19ca4421 a4010000 0d464c4f4f445f574149545f3330 0000',
        '  $ mtproto-errors decode 6cfeffff',
        '  $ xxd -p frame.bin | mtproto-errors decode - --json',
      ].join('\n'),
    )
    .action(async (parts: string[], options: { json?: boolean }) => {
      const text = parts.length === 1 && parts[0] === '-' ? await readAll(context.stdin) : parts.join(' ')
      let bytes: Uint8Array
      try {
        bytes = parseHex(text)
      } catch (error) {
        context.err(`decode: ${(error as Error).message}`)
        raiseExitCode(context, EXIT_CODES.USAGE)
        return
      }
      const decoded = decodeToJson(bytes)
      if (!decoded.ok) raiseExitCode(context, EXIT_CODES.UNKNOWN)
      context.out(options.json ? JSON.stringify(decoded.value, null, 2) : describeBytes(bytes))
    })
}
