/**
 * The seven categories of the protocol, named after the code that selects them.
 * Every code outside the six listed ones (406, -503, 429, 0, ...) is `INTERNAL`, as the protocol says
 * to treat unknown codes like 500.
 */
export type ErrorCategory =
  | 'SEE_OTHER'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'FLOOD'
  | 'INTERNAL'

/** All categories, in the order of their codes. */
export const ERROR_CATEGORIES: readonly ErrorCategory[] = [
  'SEE_OTHER',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'FLOOD',
  'INTERNAL',
]

/** The category a numeric error code belongs to. Never throws; any unknown code is `INTERNAL`. */
export function categoryOf(code: number): ErrorCategory {
  switch (code) {
    case 303:
      return 'SEE_OTHER'
    case 400:
      return 'BAD_REQUEST'
    case 401:
      return 'UNAUTHORIZED'
    case 403:
      return 'FORBIDDEN'
    case 404:
      return 'NOT_FOUND'
    case 420:
      return 'FLOOD'
    default:
      return 'INTERNAL'
  }
}
