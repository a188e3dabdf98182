import { describe, expect, it } from 'vitest'
import { actionOf, catalogEntries, searchCatalog } from '../../src/catalog/index.js'

describe('searchCatalog', () => {
  it('returns everything without a filter', () => {
    expect(searchCatalog()).toHaveLength(catalogEntries().length)
  })

  it('filters by code, words and method, together', () => {
    const flood = searchCatalog({ code: 420 })
    expect(flood.map((e) => e.name)).toContain('FLOOD_WAIT_%d')
    expect(flood.every((e) => e.codes.includes(420))).toBe(true)
    expect(searchCatalog({ search: 'file reference' }).map((e) => e.name)).toContain('FILE_REFERENCE_EXPIRED')
    const send = searchCatalog({ method: 'messages.sendMessage' })
    expect(send.map((e) => e.name)).toEqual(
      expect.arrayContaining(['CHAT_WRITE_FORBIDDEN', 'AUTH_KEY_UNREGISTERED']),
    )
    expect(
      searchCatalog({ method: 'messages.sendMessage', code: 403, search: 'plain' }).map((e) => e.name),
    ).toEqual(['CHAT_SEND_PLAIN_FORBIDDEN'])
    expect(searchCatalog({ search: 'no such words anywhere' })).toEqual([])
  })
})

describe('actionOf', () => {
  it('gives the light facts for a template or a concrete type', () => {
    expect(actionOf('FLOOD_WAIT_30')).toEqual({
      name: 'FLOOD_WAIT_%d',
      codes: [420],
      action: 'wait',
      scope: 'method',
    })
    expect(actionOf('PHONE_NUMBER_INVALID')).toMatchObject({ action: 'fix-input', field: 'phone_number' })
    expect(actionOf('NOT_A_KNOWN_TYPE')).toBeUndefined()
  })
})
