/**
 * The catalogue of known Telegram API error types: what each means, what to do about it, and a
 * message for end users. Generated from `data/errors.yaml`.
 */

export { actionOf } from './actions.js'
export { catalogEntries, lookup } from './entries.js'
export { explain } from './explain.js'
export { fieldFromType } from './field-pattern.js'
export { type LocaleMessages, registerLocale, userMessageFor } from './locale.js'
export { searchCatalog } from './search.js'
export type {
  CatalogAction,
  CatalogEntry,
  CatalogQuery,
  Explanation,
  FloodScope,
  ParamInfo,
  RecommendedAction,
} from './types.js'
