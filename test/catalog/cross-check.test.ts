import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { explain, lookup } from '../../src/catalog/index.js'

/**
 * GramJS (an installed devDependency) maps its own error classes to codes; its table is an
 * independent source for the names and codes of the types every client meets first.
 */
const require = createRequire(import.meta.url)
const gramjs = require('telegram/errors/RPCErrorList.js') as {
  rpcErrorRe: Map<RegExp, new (args: { capture: string; request: undefined }) => { code: number }>
}

describe('names and codes agree with an independent implementation', () => {
  const rules = [...gramjs.rpcErrorRe].filter(([re]) => re.source.includes('(\\d+)'))

  it.each(rules.map(([re, Class]) => [re.source, Class] as const))('GramJS %s', (source, Class) => {
    const type = source.replace('(\\d+)', '5')
    const explanation = explain(type)
    expect(explanation.known).toBe(true)
    expect(lookup(explanation.name)?.codes).toContain(new Class({ capture: '5', request: undefined }).code)
  })

  it('knows the generic examples of the protocol documentation with their codes', () => {
    const documented: Record<string, number> = {
      'FILE_MIGRATE_%d': 303,
      'PHONE_MIGRATE_%d': 303,
      'NETWORK_MIGRATE_%d': 303,
      'USER_MIGRATE_%d': 303,
      FIRSTNAME_INVALID: 400,
      LASTNAME_INVALID: 400,
      PHONE_NUMBER_INVALID: 400,
      PHONE_CODE_HASH_EMPTY: 400,
      PHONE_CODE_EMPTY: 400,
      PHONE_CODE_EXPIRED: 400,
      API_ID_INVALID: 400,
      PHONE_NUMBER_OCCUPIED: 400,
      PHONE_NUMBER_UNOCCUPIED: 400,
      USERS_TOO_FEW: 400,
      USERS_TOO_MUCH: 400,
      TYPE_CONSTRUCTOR_INVALID: 400,
      FILE_PART_INVALID: 400,
      FILE_PARTS_INVALID: 400,
      'FILE_PART_%d_MISSING': 400,
      MD5_CHECKSUM_INVALID: 400,
      PHOTO_INVALID_DIMENSIONS: 400,
      FIELD_NAME_INVALID: 400,
      FIELD_NAME_EMPTY: 400,
      MSG_WAIT_FAILED: 400,
      AUTH_KEY_UNREGISTERED: 401,
      AUTH_KEY_INVALID: 401,
      USER_DEACTIVATED: 401,
      SESSION_REVOKED: 401,
      SESSION_EXPIRED: 401,
      AUTH_KEY_PERM_EMPTY: 401,
      SESSION_PASSWORD_NEEDED: 401,
      'FLOOD_WAIT_%d': 420,
    }
    for (const [name, code] of Object.entries(documented)) expect(lookup(name)?.codes[0], name).toBe(code)
  })
})
