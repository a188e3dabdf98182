import { describe, expect, it } from 'vitest'
import {
  BadRequestError,
  FloodError,
  type MigrateKind,
  RpcError,
  SeeOtherError,
  UnauthorizedError,
} from '../../src/index.js'

/** Every example in the protocol's own error list, with the code it is listed under. */
const PLAIN_EXAMPLES: ReadonlyArray<readonly [code: number, type: string, Class: typeof RpcError]> = [
  [400, 'FIRSTNAME_INVALID', BadRequestError],
  [400, 'LASTNAME_INVALID', BadRequestError],
  [400, 'PHONE_NUMBER_INVALID', BadRequestError],
  [400, 'PHONE_CODE_HASH_EMPTY', BadRequestError],
  [400, 'PHONE_CODE_EMPTY', BadRequestError],
  [400, 'PHONE_CODE_EXPIRED', BadRequestError],
  [400, 'API_ID_INVALID', BadRequestError],
  [400, 'PHONE_NUMBER_OCCUPIED', BadRequestError],
  [400, 'PHONE_NUMBER_UNOCCUPIED', BadRequestError],
  [400, 'USERS_TOO_FEW', BadRequestError],
  [400, 'USERS_TOO_MUCH', BadRequestError],
  [400, 'TYPE_CONSTRUCTOR_INVALID', BadRequestError],
  [400, 'FILE_PART_INVALID', BadRequestError],
  [400, 'FILE_PARTS_INVALID', BadRequestError],
  [400, 'MD5_CHECKSUM_INVALID', BadRequestError],
  [400, 'PHOTO_INVALID_DIMENSIONS', BadRequestError],
  [400, 'FIELD_NAME_INVALID', BadRequestError],
  [400, 'FIELD_NAME_EMPTY', BadRequestError],
  [400, 'MSG_WAIT_FAILED', BadRequestError],
  [401, 'AUTH_KEY_UNREGISTERED', UnauthorizedError],
  [401, 'AUTH_KEY_INVALID', UnauthorizedError],
  [401, 'USER_DEACTIVATED', UnauthorizedError],
  [401, 'SESSION_REVOKED', UnauthorizedError],
  [401, 'SESSION_EXPIRED', UnauthorizedError],
  [401, 'ACTIVE_USER_REQUIRED', UnauthorizedError],
  [401, 'AUTH_KEY_PERM_EMPTY', UnauthorizedError],
]

describe('the protocol list of errors', () => {
  it.each(PLAIN_EXAMPLES)('%i %s has its category and no parameters', (code, type, Class) => {
    const error = RpcError.from(code, type)
    expect(error).toBeInstanceOf(Class)
    expect(error.category).toBe(Class.category)
    expect(error.type).toBe(type)
    expect(error.template).toBe(type)
    expect(error.params).toEqual({})
    expect(error.code).toBe(code)
    expect(error.errorMessage).toBe(type)
  })

  it.each([
    ['FILE_MIGRATE_2', 'FILE_MIGRATE_%d', 2, 'FILE'],
    ['PHONE_MIGRATE_3', 'PHONE_MIGRATE_%d', 3, 'PHONE'],
    ['NETWORK_MIGRATE_4', 'NETWORK_MIGRATE_%d', 4, 'NETWORK'],
    ['USER_MIGRATE_5', 'USER_MIGRATE_%d', 5, 'USER'],
    ['STATS_MIGRATE_1', 'STATS_MIGRATE_%d', 1, 'STATS'],
  ] as const)('303 %s names DC and kind', (type, template, dcId, kind: MigrateKind) => {
    const error = RpcError.from(303, type)
    expect(error).toBeInstanceOf(SeeOtherError)
    expect(error.category).toBe('SEE_OTHER')
    expect(error.template).toBe(template)
    expect(error.params).toEqual({ dcId })
    const seeOther = error as SeeOtherError
    expect(seeOther.dcId).toBe(dcId)
    expect(seeOther.migrateKind).toBe(kind)
  })

  it('420 FLOOD_WAIT_X carries the seconds', () => {
    const error = RpcError.from(420, 'FLOOD_WAIT_30')
    expect(error).toBeInstanceOf(FloodError)
    expect(error.template).toBe('FLOOD_WAIT_%d')
    expect((error as FloodError).seconds).toBe(30)
  })

  it('400 FILE_PART_X_MISSING carries the part number', () => {
    const error = RpcError.from(400, 'FILE_PART_7_MISSING')
    expect(error).toBeInstanceOf(BadRequestError)
    expect(error.template).toBe('FILE_PART_%d_MISSING')
    expect(error.params).toEqual({ part: 7 })
  })

  it('the list spells FILE_PART_Х_MISSING with a Cyrillic Х; the template uses a Latin X position', () => {
    // The Cyrillic letter is not in /[A-Z_0-9]/, so such a message has no type at all: nothing
    // guesses. A real server sends digits there.
    const cyrillic = RpcError.from(400, 'FILE_PART_\u0425_MISSING')
    expect(cyrillic.type).toBeUndefined()
    expect(cyrillic.description).toBe('FILE_PART_\u0425_MISSING')
    expect(RpcError.from(400, 'FILE_PART_0_MISSING').params).toEqual({ part: 0 })
  })
})
