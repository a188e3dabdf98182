import { readProperty } from '../error/foreign-value.js'
import type { ErrorParams } from '../error/match-template.js'
import { matchTemplate } from '../error/match-template.js'
import { RpcError } from '../error/rpc-error.js'
import { splitErrorMessage } from '../error/split-message.js'

/** What `explain()` and `userMessageFor()` accept: a name, a message, or an error object. */
export interface ResolvedInput {
  /** The code from the argument, the error object, or a leading number in the text. */
  readonly code: number | undefined
  /** The concrete type (`FLOOD_WAIT_30`), or a template when one was given (`FLOOD_WAIT_%d`). */
  readonly type: string | undefined
  /** The template the type belongs to, or the type itself. */
  readonly template: string | undefined
  readonly values: ErrorParams
  /** For a message without a type (`Timeout`): its text, shortened. */
  readonly text: string | undefined
}

const NO_VALUES: ErrorParams = Object.freeze({})
const MAX_TEXT_LENGTH = 128
/** `420 FLOOD_WAIT_30`, `-503 Timeout`: the way logs and our CLI's stdin write an error. */
const LEADING_CODE_RE = /^(-?\d{1,4})\s+(\S[\s\S]*)$/

function fromText(raw: string, code: number | undefined): ResolvedInput {
  let text = raw.trim()
  let leadingCode: number | undefined
  const leading = LEADING_CODE_RE.exec(text)
  if (leading) {
    leadingCode = Number(leading[1])
    text = leading[2] as string
  }
  const finalCode = code ?? leadingCode
  if (/^(?:[A-Z0-9_]|%d)+$/.test(text) && text.includes('%d')) {
    return { code: finalCode, type: text, template: text, values: NO_VALUES, text: undefined }
  }
  const { type } = splitErrorMessage(text)
  if (type === undefined) {
    return {
      code: finalCode,
      type,
      template: undefined,
      values: NO_VALUES,
      text: text.slice(0, MAX_TEXT_LENGTH),
    }
  }
  // Same bound as RpcError: a type this long cannot be a known one, and must not fill the cache.
  const match = type.length <= MAX_TEXT_LENGTH ? matchTemplate(type) : { template: type, params: NO_VALUES }
  return { code: finalCode, type, template: match.template, values: match.params, text: undefined }
}

/**
 * Turns whatever the caller has into a type, template, code and values. Never throws: input
 * that is no error at all resolves to nothing known, with the code the caller gave.
 */
export function resolveInput(input: unknown, code?: number): ResolvedInput {
  if (typeof input === 'string') return fromText(input, code)
  if (typeof input === 'number' && Number.isInteger(input)) {
    return { code: code ?? input, type: undefined, template: undefined, values: NO_VALUES, text: undefined }
  }
  const error = RpcError.tryFrom(input)
  if (error !== undefined) {
    return {
      code: code ?? error.code,
      type: error.type,
      template: error.template,
      values: error.params,
      text: error.type === undefined ? (error.description ?? '').slice(0, MAX_TEXT_LENGTH) : undefined,
    }
  }
  const message = readProperty(input, 'message')
  if (typeof message === 'string') return fromText(message, code)
  return { code, type: undefined, template: undefined, values: NO_VALUES, text: undefined }
}
