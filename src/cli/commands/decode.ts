import { explain } from '../../catalog/index.js'
import { boundForDisplay, isRpcError, RpcError } from '../../error/index.js'
import {
  CONSTRUCTOR_IDS,
  type DecodedMessage,
  DecodeError,
  decodeMessages,
  decodeTransportError,
  describeBytes,
  formatConstructorId,
  parseHex,
  TlReader,
} from '../../wire/index.js'
import type { CommandSpec, ParsedArgs } from '../command.js'
import { type CliContext, raiseExitCode } from '../context.js'
import { EXIT_CODES } from '../exit-codes.js'
import { CLI_LIMITS } from '../limits.js'
import { readBounded } from '../read-input.js'
import { renderExplanation } from '../render-explanation.js'
import { UsageError } from '../usage-error.js'

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
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

/**
 * A lone `rpc_error` (not wrapped in `rpc_result`), as a server log or a test shows it: the wire
 * decoder takes a lone object for one it need not know, so the CLI reads this one itself.
 * `undefined` for any other bytes.
 */
export function decodeBareRpcError(bytes: Uint8Array): RpcError | undefined {
  const reader = new TlReader(bytes)
  if (reader.remaining < 4 || reader.peekUint() !== CONSTRUCTOR_IDS.rpc_error) return undefined
  try {
    reader.uint()
    const code = reader.int()
    const message = reader.string()
    reader.expectEnd('rpc_error')
    return RpcError.from(code, message)
  } catch (error) {
    if (error instanceof DecodeError) return undefined
    throw error
  }
}

/**
 * Whether the bytes decode, and their JSON form on demand: converting is paid only with --json
 * (a 15 MiB object's body as hex is a 30 MiB string that text output never shows).
 */
export function decodeToJson(bytes: Uint8Array): { ok: boolean; json: () => unknown } {
  const transport = decodeTransportError(bytes)
  if (transport !== undefined) return { ok: true, json: () => ({ kind: 'transport_error', ...transport }) }
  const bare = decodeBareRpcError(bytes)
  if (bare !== undefined) return { ok: true, json: () => ({ kind: 'rpc_error', error: bare.toJSON() }) }
  try {
    const messages: DecodedMessage[] = decodeMessages(bytes)
    return {
      ok: !messages.some((m) => m.kind === 'invalid'),
      json: () => ({ kind: 'messages', messages: plain(messages) }),
    }
  } catch (error) {
    if (error instanceof DecodeError)
      return { ok: false, json: () => ({ kind: 'undecodable', error: plain(error) }) }
    throw error
  }
}

/** What the bytes hold, for a person: the wire decoder's description, or a lone rpc_error explained. */
function describe(bytes: Uint8Array, context: CliContext): string[] {
  const bare = decodeBareRpcError(bytes)
  if (bare === undefined) return [describeBytes(bytes)]
  return [
    `rpc_error ${formatConstructorId(CONSTRUCTOR_IDS.rpc_error)}: ${bare.code} ${JSON.stringify(boundForDisplay(bare.errorMessage))}`,
    ...renderExplanation(explain(bare), context.style),
  ]
}

/** The hex text to decode: the arguments, or stdin for "-", bounded either way. */
async function hexText(parts: readonly string[], context: CliContext): Promise<string> {
  const limit = CLI_LIMITS.maxDecodeHexChars
  if (parts.length === 1 && parts[0] === '-') return readBounded(context.stdin, limit, 'standard input')
  const text = parts.join(' ')
  if (text.length > limit)
    throw new UsageError(`the hex given is longer than the ${limit} characters accepted`)
  return text
}

/** `decode`: what a frame of bytes holds. */
export const decodeCommand: CommandSpec = {
  name: 'decode',
  summary: 'decode MTProto bytes (rpc_result, rpc_error, gzip_packed, msg_container, ...)',
  description: [
    'Decode hex bytes the way a client receives them: a lone object or a msg_container, with rpc_result, rpc_error (also alone), gzip_packed, bad_msg_notification and bad_server_salt decoded and explained, or a 4-byte transport error such as -404. Spaces, colons and 0x are ignored.',
    `Use "-" to read the hex from stdin. At most ${CLI_LIMITS.maxDecodeHexChars / 1024 / 1024} MiB of hex text is read (about half that many bytes); past it, reading stops with an error.`,
  ],
  argument: { name: '<hex...>', help: 'the bytes as hex, or "-" for stdin', required: true },
  options: { json: { type: 'boolean', help: 'print a JSON object instead of text' } },
  exitStatus:
    '0 decoded, 1 the bytes do not decode (the reason and offset are printed), 2 usage error, bad hex or input past the limit.',
  examples: [
    'mtproto-errors decode 016d5cf3 0100000000000000 19ca4421 a4010000 0d464c4f4f445f574149545f3330 0000',
    'mtproto-errors decode 19ca4421a40100000d464c4f4f445f574149545f33300000',
    'mtproto-errors decode 6cfeffff',
    'xxd -p frame.bin | mtproto-errors decode - --json',
  ],
  async run({ positionals, values }: ParsedArgs, context: CliContext) {
    const text = await hexText(positionals, context)
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
    if (values.json === true) context.out(JSON.stringify(decoded.json(), null, 2))
    else for (const line of describe(bytes, context)) context.out(line)
  },
}
