export { categoryOf, ERROR_CATEGORIES, type ErrorCategory } from './category.js'
export { boundForDisplay, MAX_SHOWN_LENGTH } from './format.js'
export { type ErrorParams, matchTemplate, parseParamValue, type TemplateMatch } from './match-template.js'
export type { RpcErrorInput } from './normalize-input.js'
export {
  BadRequestError,
  type ConcreteType,
  FloodError,
  ForbiddenError,
  InternalServerError,
  isRpcError,
  type MigrateKind,
  migrateKindOf,
  NotFoundError,
  RpcError,
  type RpcErrorJson,
  type RpcErrorOf,
  SeeOtherError,
  UnauthorizedError,
} from './rpc-error.js'
export { type SplitMessage, splitErrorMessage } from './split-message.js'
export { type KnownTemplate, PARAMETERISED_TEMPLATES, type TemplateParams } from './templates.generated.js'
