// Generated from data/errors.yaml by scripts/generate-catalog.ts. Do not edit by hand.

/** Every parameterised error template and the names of its numeric parameters, in order. */
export const PARAMETERISED_TEMPLATES: ReadonlyArray<readonly [template: string, params: readonly string[]]> = [
  ['2FA_CONFIRM_WAIT_%d', ['seconds']],
  ['EMAIL_UNCONFIRMED_%d', ['codeLength']],
  ['FILE_MIGRATE_%d', ['dcId']],
  ['FILE_PART_%d_MISSING', ['part']],
  ['FLOOD_PREMIUM_WAIT_%d', ['seconds']],
  ['FLOOD_TEST_PHONE_WAIT_%d', ['seconds']],
  ['FLOOD_WAIT_%d', ['seconds']],
  ['FLOOD_WAIT_%d_OR_STARS_%d', ['seconds', 'stars']],
  ['INTERDC_%d_CALL_ERROR', ['dcId']],
  ['INTERDC_%d_CALL_RICH_ERROR', ['dcId']],
  ['NETWORK_MIGRATE_%d', ['dcId']],
  ['PASSWORD_TOO_FRESH_%d', ['seconds']],
  ['PHONE_MIGRATE_%d', ['dcId']],
  ['PREMIUM_SUB_ACTIVE_UNTIL_%d', ['timestamp']],
  ['PREVIOUS_CHAT_IMPORT_ACTIVE_WAIT_%dMIN', ['minutes']],
  ['SESSION_TOO_FRESH_%d', ['seconds']],
  ['SLOWMODE_WAIT_%d', ['seconds']],
  ['STATS_MIGRATE_%d', ['dcId']],
  ['STORY_SEND_FLOOD_MONTHLY_%d', ['seconds']],
  ['STORY_SEND_FLOOD_WEEKLY_%d', ['seconds']],
  ['TAKEOUT_INIT_DELAY_%d', ['seconds']],
  ['USER_MIGRATE_%d', ['dcId']],
]

/**
 * The parameters of every known template, for `RpcError.is()` narrowing. Templates without
 * parameters map to an empty object.
 */
export interface TemplateParams {
  '2FA_CONFIRM_WAIT_%d': { readonly seconds: number }
  'EMAIL_UNCONFIRMED_%d': { readonly codeLength: number }
  'FILE_MIGRATE_%d': { readonly dcId: number }
  'FILE_PART_%d_MISSING': { readonly part: number }
  'FLOOD_PREMIUM_WAIT_%d': { readonly seconds: number }
  'FLOOD_TEST_PHONE_WAIT_%d': { readonly seconds: number }
  'FLOOD_WAIT_%d': { readonly seconds: number }
  'FLOOD_WAIT_%d_OR_STARS_%d': { readonly seconds: number; readonly stars: number }
  'INTERDC_%d_CALL_ERROR': { readonly dcId: number }
  'INTERDC_%d_CALL_RICH_ERROR': { readonly dcId: number }
  'NETWORK_MIGRATE_%d': { readonly dcId: number }
  'PASSWORD_TOO_FRESH_%d': { readonly seconds: number }
  'PHONE_MIGRATE_%d': { readonly dcId: number }
  'PREMIUM_SUB_ACTIVE_UNTIL_%d': { readonly timestamp: number }
  'PREVIOUS_CHAT_IMPORT_ACTIVE_WAIT_%dMIN': { readonly minutes: number }
  'SESSION_TOO_FRESH_%d': { readonly seconds: number }
  'SLOWMODE_WAIT_%d': { readonly seconds: number }
  'STATS_MIGRATE_%d': { readonly dcId: number }
  'STORY_SEND_FLOOD_MONTHLY_%d': { readonly seconds: number }
  'STORY_SEND_FLOOD_WEEKLY_%d': { readonly seconds: number }
  'TAKEOUT_INIT_DELAY_%d': { readonly seconds: number }
  'USER_MIGRATE_%d': { readonly dcId: number }
  ACTIVE_USER_REQUIRED: {}
  API_ID_INVALID: {}
  AUTH_KEY_INVALID: {}
  AUTH_KEY_PERM_EMPTY: {}
  AUTH_KEY_UNREGISTERED: {}
  FIELD_NAME_EMPTY: {}
  FIELD_NAME_INVALID: {}
  FILE_PARTS_INVALID: {}
  FILE_PART_INVALID: {}
  FIRSTNAME_INVALID: {}
  LASTNAME_INVALID: {}
  MD5_CHECKSUM_INVALID: {}
  MSG_WAIT_FAILED: {}
  PHONE_CODE_EMPTY: {}
  PHONE_CODE_EXPIRED: {}
  PHONE_CODE_HASH_EMPTY: {}
  PHONE_NUMBER_INVALID: {}
  PHONE_NUMBER_OCCUPIED: {}
  PHONE_NUMBER_UNOCCUPIED: {}
  PHOTO_INVALID_DIMENSIONS: {}
  SESSION_EXPIRED: {}
  SESSION_REVOKED: {}
  TYPE_CONSTRUCTOR_INVALID: {}
  USERS_TOO_FEW: {}
  USERS_TOO_MUCH: {}
  USER_DEACTIVATED: {}
}

/** A template the catalogue knows, such as `'FLOOD_WAIT_%d'` or `'PHONE_NUMBER_INVALID'`. */
export type KnownTemplate = keyof TemplateParams
