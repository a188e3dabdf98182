import { categoryOf, type ErrorCategory } from './category.js'
import { describeValue, readSafely } from './foreign-value.js'
import { boundForDisplay, formatErrorMessage } from './format.js'
import { type ErrorParams, matchTemplate } from './match-template.js'
import { type NormalizedInput, normalizeInput, type RpcErrorInput } from './normalize-input.js'
import { splitErrorMessage, typeEnd } from './split-message.js'
import type { KnownTemplate, TemplateParams } from './templates.generated.js'

/**
 * Marks our errors in a way that survives two copies of this package in one program (a CJS and an
 * ESM build, or two versions): `Symbol.for` is shared by the whole realm, class identity is not.
 */
const BRAND: unique symbol = Symbol.for('mtproto-errors.RpcError') as never

/** Types longer than this cannot be a known template; they skip matching (and its cache). */
const MAX_MATCHED_TYPE_LENGTH = 128

/**
 * An `RpcError` whose template is `T`, with `params` exactly the template's: `params` and
 * `template` are replaced rather than intersected, because an intersection with the base class's
 * record of numbers would let any misspelt name (`params.secondz`) compile.
 */
export type RpcErrorOf<T extends KnownTemplate> = Omit<RpcError, 'template' | 'params'> & {
  readonly template: T
  readonly params: TemplateParams[T]
}

/**
 * The second argument of `is()` when it is not a known template: a literal must look like a
 * concrete type (`PHONE_NUMBER_INVALID`, `FLOOD_WAIT_30`: no `%`, no lower case), so a misspelt
 * template (`FLOOD_WAIT_%s`) does not compile. A plain `string` (read at run time) passes, since
 * only literals can be checked.
 */
export type ConcreteType<S extends string> = string extends S
  ? S
  : S extends `${string}%${string}`
    ? `not a known template: ${S}`
    : S extends Uppercase<S>
      ? S
      : `not an error type (types are upper case): ${S}`

/** Plain-data form of an error, as returned by `toJSON()`. Long wire strings are shortened. */
export interface RpcErrorJson {
  readonly name: string
  readonly code: number
  readonly errorMessage: string
  readonly type: string | undefined
  readonly description: string | undefined
  readonly category: ErrorCategory
  readonly template: string | undefined
  readonly params: ErrorParams
}

/**
 * An error the Telegram API returned for a call (`rpc_error`), faithful to the wire: `code` and
 * `errorMessage` are kept exactly as received, and everything else is derived from them.
 *
 * Build one with {@link RpcError.from}: it picks the class of the category
 * ({@link SeeOtherError}, {@link FloodError}, ...) and does not capture a stack, so building errors
 * that are handled internally costs next to nothing. `captureStack()` attaches one before a throw.
 */
export class RpcError extends Error {
  /** The `error_code` as received (303, 400, ..., -503). */
  declare readonly code: number
  /** The `error_message` as received, never rewritten. */
  declare readonly errorMessage: string
  /** The `/[A-Z_0-9]+/` type, or `undefined` when the message has none (`Timeout`). */
  declare readonly type: string | undefined
  /** Free text sent after the type; for display only, never for logic. */
  declare readonly description: string | undefined
  /** The category selected by `code`. */
  declare readonly category: ErrorCategory
  /** The matched template (`FLOOD_WAIT_%d`), the type itself when it has no parameter, or `undefined`. */
  declare readonly template: string | undefined
  /** Named parameters taken from the type (`seconds`, `dcId`, `part`, ...). Frozen. */
  declare readonly params: ErrorParams
  /** The category this class stands for; `undefined` on the base class. */
  static readonly category: ErrorCategory | undefined = undefined

  /**
   * Builds an error the slow, conventional way, with a native stack. Prefer {@link RpcError.from},
   * which also picks the right subclass.
   */
  constructor(code: number, errorMessage: string) {
    const fields = computeFields({ code, errorMessage })
    super(formatErrorMessage(fields.code, fields.errorMessage, fields.params))
    assignFields(this, fields)
  }

  /**
   * The one factory for every input: `(code, errorMessage)` as in `rpc_error`, `{ code, type,
   * description }` for sources that already split them, TL objects, and the error objects of GramJS
   * and mtcute. Returns the input unchanged when it already is an `RpcError` (of any copy of this
   * package). Throws a `TypeError` only for input that is no error shape at all; see {@link tryFrom}.
   */
  static from(code: number, errorMessage: string): RpcError
  static from(input: RpcErrorInput | RpcError): RpcError
  static from(codeOrInput: number | RpcErrorInput | RpcError, errorMessage?: string): RpcError {
    if (typeof codeOrInput === 'number') {
      return createFromWire(codeOrInput, typeof errorMessage === 'string' ? errorMessage : '')
    }
    const error = RpcError.tryFrom(codeOrInput)
    if (error === undefined) {
      throw new TypeError(`RpcError.from: not an error shape (${describeValue(codeOrInput)})`)
    }
    return error
  }

  /**
   * Like {@link from} for one argument, but returns `undefined` for input it does not recognise.
   * Never throws: input whose reading throws (a Proxy's trap, a throwing getter, a revoked Proxy)
   * is not recognised, and neither is a branded object whose fields cannot all be read.
   */
  static tryFrom(input: unknown): RpcError | undefined {
    if (isRpcError(input)) return readsAsRpcError(input) ? input : undefined
    const normalized = readSafely(() => normalizeInput(input))
    // A getter may answer differently on a second read; only the shape actually read counts.
    if (
      normalized === undefined ||
      typeof normalized.code !== 'number' ||
      typeof normalized.errorMessage !== 'string'
    ) {
      return undefined
    }
    return readSafely(() => create(normalized))
  }

  /**
   * Whether `value` is an `RpcError` (from any copy of this package), optionally with the given
   * template or concrete type. With a known template, TypeScript narrows `params` to exactly that
   * template's: `if (RpcError.is(e, 'FLOOD_WAIT_%d')) e.params.seconds` (and `e.params.dcId` does
   * not compile). A literal that is neither a known template nor an upper-case type
   * (`'FLOOD_WAIT_%s'`) does not compile; a `string` known only at run time is accepted, since the
   * catalogue cannot list every type the server may send.
   */
  static is<T extends KnownTemplate>(value: unknown, template: T): value is RpcErrorOf<T>
  static is<S extends string>(value: unknown, type: ConcreteType<S>): value is RpcError
  static is(value: unknown): value is RpcError
  static is(value: unknown, templateOrType?: string): boolean {
    if (!isRpcError(value)) return false
    if (templateOrType === undefined) return true
    return readSafely(() => value.template === templateOrType || value.type === templateOrType) === true
  }

  /** `instanceof` recognises errors of other copies of this package too, by brand and category. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!isRpcError(value)) return false
    const category = (this as typeof RpcError).category
    return category === undefined || readSafely(() => value.category) === category
  }

  /** Whether this error has the given template or concrete type. */
  is<T extends KnownTemplate>(template: T): this is RpcErrorOf<T>
  is<S extends string>(type: ConcreteType<S>): boolean
  is(templateOrType: string): boolean {
    return this.template === templateOrType || this.type === templateOrType
  }

  /**
   * Attaches a stack trace taken here (frames above `below` are hidden, as with
   * `Error.captureStackTrace`). The engine calls this with the caller's `invoke` so that a thrown
   * error points at the user's code, not at a decoder. An error frozen or sealed by its owner keeps
   * the stack it has.
   */
  captureStack(below?: (...args: never[]) => unknown): this {
    const capture = (Error as { captureStackTrace?: (target: object, fn?: unknown) => void })
      .captureStackTrace
    readSafely(() => {
      if (capture) capture(this, below ?? this.captureStack)
      else
        Object.defineProperty(this, 'stack', {
          value: new Error(this.message).stack,
          configurable: true,
          writable: true,
        })
    })
    return this
  }

  /** Plain data for logs and JSON; wire strings are shortened to a few hundred characters. */
  toJSON(): RpcErrorJson {
    return {
      name: this.name,
      code: this.code,
      errorMessage: boundForDisplay(this.errorMessage),
      type: this.type === undefined ? undefined : boundForDisplay(this.type),
      description: this.description === undefined ? undefined : boundForDisplay(this.description),
      category: this.category,
      template: this.template === undefined ? undefined : boundForDisplay(this.template),
      params: this.params,
    }
  }
}

/** 303: the call must be repeated on another DC. */
export class SeeOtherError extends RpcError {
  static override readonly category = 'SEE_OTHER' as const
  /** The DC to repeat the call on, from `*_MIGRATE_X`. */
  get dcId(): number | undefined {
    return this.params.dcId
  }
  /** Which migration this is (`USER`, `PHONE`, `NETWORK`, `FILE`, `STATS`), from the template. */
  get migrateKind(): MigrateKind | undefined {
    return migrateKindOf(this.template)
  }
}

/** 400: the call's input is wrong; repeating it unchanged cannot help. */
export class BadRequestError extends RpcError {
  static override readonly category = 'BAD_REQUEST' as const
}

/** 401: the authorization key is not (or no longer) logged in on this DC. */
export class UnauthorizedError extends RpcError {
  static override readonly category = 'UNAUTHORIZED' as const
}

/** 403: the account may not do this. */
export class ForbiddenError extends RpcError {
  static override readonly category = 'FORBIDDEN' as const
}

/** 404: the object or method does not exist. */
export class NotFoundError extends RpcError {
  static override readonly category = 'NOT_FOUND' as const
}

/** 420: too many calls; most types name the seconds to wait. */
export class FloodError extends RpcError {
  static override readonly category = 'FLOOD' as const
  /** The wait the server asked for, in seconds (the protocol's unit), when the type carries one. */
  get seconds(): number | undefined {
    return this.params.seconds
  }
}

/** 500 and every code the protocol does not list (-503 Timeout, 406, ...): a server-side failure. */
export class InternalServerError extends RpcError {
  static override readonly category = 'INTERNAL' as const
}

/** The migrations a 303 can ask for. */
export type MigrateKind = 'USER' | 'PHONE' | 'NETWORK' | 'FILE' | 'STATS'

const MIGRATE_KINDS: Readonly<Record<string, MigrateKind>> = {
  'USER_MIGRATE_%d': 'USER',
  'PHONE_MIGRATE_%d': 'PHONE',
  'NETWORK_MIGRATE_%d': 'NETWORK',
  'FILE_MIGRATE_%d': 'FILE',
  'STATS_MIGRATE_%d': 'STATS',
}

/** The migration kind of a template, or `undefined` for any other template. */
export function migrateKindOf(template: string | undefined): MigrateKind | undefined {
  return template === undefined ? undefined : MIGRATE_KINDS[template]
}

const CLASS_BY_CATEGORY: Readonly<Record<ErrorCategory, typeof RpcError>> = {
  SEE_OTHER: SeeOtherError,
  BAD_REQUEST: BadRequestError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  FLOOD: FloodError,
  INTERNAL: InternalServerError,
}

for (const Class of Object.values(CLASS_BY_CATEGORY)) {
  Object.defineProperty(Class.prototype, 'name', { value: Class.name, writable: true, configurable: true })
}
Object.defineProperty(RpcError.prototype, 'name', { value: 'RpcError', writable: true, configurable: true })
Object.defineProperty(RpcError.prototype, BRAND, { value: true })

/**
 * Errors built by `from()` get their `message` on first read: most errors handled inside the engine
 * are never printed, and formatting is the largest part of their cost.
 */
Object.defineProperty(RpcError.prototype, 'message', {
  configurable: true,
  get(this: RpcError): string {
    const message = formatErrorMessage(this.code, this.errorMessage, this.params)
    // Cached when the error can take it; one frozen by its owner formats on every read instead.
    if (Object.isExtensible(this)) {
      Object.defineProperty(this, 'message', { value: message, writable: true, configurable: true })
    }
    return message
  },
  set(this: RpcError, value: string) {
    Object.defineProperty(this, 'message', { value, writable: true, configurable: true })
  },
})

interface Fields {
  code: number
  errorMessage: string
  type: string | undefined
  description: string | undefined
  category: ErrorCategory
  template: string | undefined
  params: ErrorParams
}

const NO_PARAMS: ErrorParams = Object.freeze({})

function computeFields(input: NormalizedInput): Fields {
  const { code, errorMessage } = input
  let type: string | undefined
  let description: string | undefined
  if (input.type !== undefined) {
    type = input.type
    description = input.description
  } else {
    const split = splitErrorMessage(errorMessage)
    type = split.type
    description = split.description
  }
  const { template, params } = templateOf(type)
  const category = input.category ?? categoryOf(code)
  return { code, errorMessage, type, description, category, template, params }
}

const NO_TEMPLATE = { template: undefined, params: NO_PARAMS } as const

function templateOf(type: string | undefined): { template: string | undefined; params: ErrorParams } {
  if (type === undefined) return NO_TEMPLATE
  if (type.length > MAX_MATCHED_TYPE_LENGTH) return { template: type, params: NO_PARAMS }
  return matchTemplate(type)
}

/** One assignment order for every instance, so all errors share one hidden class. */
function assignFields(target: RpcError, fields: Fields): void {
  const writable = target as { -readonly [K in keyof Fields]: Fields[K] }
  writable.code = fields.code
  writable.errorMessage = fields.errorMessage
  writable.type = fields.type
  writable.description = fields.description
  writable.category = fields.category
  writable.template = fields.template
  writable.params = fields.params
}

/**
 * Allocates an instance of a category's class without running the native `Error` constructor, whose
 * stack capture costs microseconds (measured in `npm run bench`). A plain function constructor
 * sharing the class's prototype gives V8 a fixed object layout.
 *
 * There is one function literal per category on purpose: instances of different categories have
 * different hidden classes (their prototypes differ), and a single shared constructor would see all
 * seven at its property stores and go megamorphic. Measured: 38 ns per error with distinct
 * literals against 117-137 ns with one shared closure, on a mix of categories.
 */
type FastConstructor = new (
  code: number,
  errorMessage: string,
  type: string | undefined,
  description: string | undefined,
  category: ErrorCategory,
  template: string | undefined,
  params: ErrorParams,
) => RpcError

type FastBody = (
  this: Fields,
  code: number,
  errorMessage: string,
  type: string | undefined,
  description: string | undefined,
  category: ErrorCategory,
  template: string | undefined,
  params: ErrorParams,
) => void

// biome-ignore format: seven identical bodies read best side by side
const FAST_BODIES: Record<ErrorCategory, FastBody> = {
  SEE_OTHER: function (c, m, t, d, g, p, q) { this.code = c; this.errorMessage = m; this.type = t; this.description = d; this.category = g; this.template = p; this.params = q },
  BAD_REQUEST: function (c, m, t, d, g, p, q) { this.code = c; this.errorMessage = m; this.type = t; this.description = d; this.category = g; this.template = p; this.params = q },
  UNAUTHORIZED: function (c, m, t, d, g, p, q) { this.code = c; this.errorMessage = m; this.type = t; this.description = d; this.category = g; this.template = p; this.params = q },
  FORBIDDEN: function (c, m, t, d, g, p, q) { this.code = c; this.errorMessage = m; this.type = t; this.description = d; this.category = g; this.template = p; this.params = q },
  NOT_FOUND: function (c, m, t, d, g, p, q) { this.code = c; this.errorMessage = m; this.type = t; this.description = d; this.category = g; this.template = p; this.params = q },
  FLOOD: function (c, m, t, d, g, p, q) { this.code = c; this.errorMessage = m; this.type = t; this.description = d; this.category = g; this.template = p; this.params = q },
  INTERNAL: function (c, m, t, d, g, p, q) { this.code = c; this.errorMessage = m; this.type = t; this.description = d; this.category = g; this.template = p; this.params = q },
}

const FAST_BY_CATEGORY = {} as Record<ErrorCategory, FastConstructor>
for (const category of Object.keys(FAST_BODIES) as ErrorCategory[]) {
  const Fast = FAST_BODIES[category] as unknown as FastConstructor
  Fast.prototype = CLASS_BY_CATEGORY[category].prototype
  FAST_BY_CATEGORY[category] = Fast
}

/** The fast path for `(code, errorMessage)`: one scan of the message, no intermediate objects. */
function createFromWire(code: number, errorMessage: string): RpcError {
  const end = typeEnd(errorMessage)
  let type: string | undefined
  let description: string | undefined
  if (end === -1) description = errorMessage.length === 0 ? undefined : errorMessage
  else if (end === errorMessage.length) type = errorMessage
  else {
    type = errorMessage.slice(0, end)
    description = errorMessage.slice(end + 2)
  }
  const { template, params } = templateOf(type)
  const category = categoryOf(code)
  return new FAST_BY_CATEGORY[category](code, errorMessage, type, description, category, template, params)
}

function create(input: NormalizedInput): RpcError {
  if (input.type === undefined) return createFromWire(input.code, input.errorMessage)
  const f = computeFields(input)
  return new FAST_BY_CATEGORY[f.category](
    f.code,
    f.errorMessage,
    f.type,
    f.description,
    f.category,
    f.template,
    f.params,
  )
}

/**
 * Whether `value` is an `RpcError` from any copy of this package. Never throws: a value whose
 * brand cannot be read (a Proxy whose trap throws, a revoked Proxy) is not one.
 */
export function isRpcError(value: unknown): value is RpcError {
  if (typeof value !== 'object' || value === null) return false
  try {
    return (value as { [BRAND]?: unknown })[BRAND] === true
  } catch {
    return false
  }
}

/**
 * Whether a branded value's fields read as an error's do. Ours always do; this stops a Proxy that
 * passes the brand check but throws on the fields the engine reads from reaching the engine.
 */
function readsAsRpcError(value: RpcError): boolean {
  try {
    return (
      typeof value.code === 'number' &&
      typeof value.errorMessage === 'string' &&
      typeof value.category === 'string' &&
      typeof value.params === 'object' &&
      value.params !== null &&
      (value.type === undefined || typeof value.type === 'string') &&
      (value.template === undefined || typeof value.template === 'string')
    )
  } catch {
    return false
  }
}
