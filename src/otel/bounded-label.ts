/** The label a value gets once the limit of distinct values is reached, or when it is malformed. */
export const OTHER_LABEL = 'other'

/** A TL method name (`messages.sendMessage`) or a Bot API one (`sendMessage`); anything else is not a method. */
const METHOD_SHAPE = /^[A-Za-z][A-Za-z0-9_]{0,63}(\.[A-Za-z][A-Za-z0-9_]{0,63}){0,2}$/

/**
 * Keeps a metric attribute's values to a bounded set: a backend stores one series per distinct
 * value, and method names or error types come from callers and servers we do not control. The
 * first `maxValues` well-formed values are kept as they are; later and malformed ones become
 * `other`, so a buggy caller cannot grow the series without bound.
 */
export class BoundedLabels {
  private readonly seen = new Set<string>()

  /** `maxValues`: distinct values kept; `shape`: what a well-formed value looks like. */
  constructor(
    private readonly maxValues: number,
    private readonly shape: RegExp = METHOD_SHAPE,
  ) {}

  /** The label to record for `value`. */
  of(value: string): string {
    if (this.seen.has(value)) return value
    if (this.seen.size >= this.maxValues || !this.shape.test(value)) return OTHER_LABEL
    this.seen.add(value)
    return value
  }
}

/** Error types (`FLOOD_WAIT_%d`, `SESSION_REVOKED`): upper-case words, a template's `%d` allowed. */
export const ERROR_TYPE_SHAPE = /^[A-Z0-9_%a-z]{1,64}$/
