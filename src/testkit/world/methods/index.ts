import { ACCOUNT_METHODS } from './account-methods.js'
import { AUTH_METHODS } from './auth-methods.js'
import { FILE_METHODS } from './file-methods.js'
import { HELP_METHODS } from './help-methods.js'
import { MESSAGE_METHODS } from './message-methods.js'
import type { MethodTable } from './method-spec.js'

export type { MethodSpec, MethodTable } from './method-spec.js'

/** Every method the simulated world knows, one family per module. */
export const METHODS: MethodTable = {
  ...HELP_METHODS,
  ...AUTH_METHODS,
  ...ACCOUNT_METHODS,
  ...MESSAGE_METHODS,
  ...FILE_METHODS,
}
