import { describe, expect, it } from 'vitest'
import { catalogEntries, lookup } from '../../src/catalog/index.js'
import { PARAMETERISED_TEMPLATES } from '../../src/error/index.js'

const entries = catalogEntries()

describe('catalogue content', () => {
  it('covers at least 800 error types, sorted and unique', () => {
    expect(entries.length).toBeGreaterThanOrEqual(800)
    const names = entries.map((e) => e.name)
    expect(new Set(names).size).toBe(names.length)
    expect([...names].sort()).toEqual(names)
  })

  it('gives every entry a code and a written one-line description', () => {
    for (const entry of entries) {
      expect(entry.codes.length, entry.name).toBeGreaterThan(0)
      expect(entry.description.length, entry.name).toBeGreaterThan(20)
      expect(entry.description, entry.name).not.toMatch(/rule-derived|\n/)
      expect(entry.description, entry.name).not.toContain(entry.name)
    }
  })

  it('gives every input error a field and a user message', () => {
    for (const entry of entries.filter((e) => e.action === 'fix-input')) {
      expect(entry.field, entry.name).toMatch(/^[a-z][a-z0-9_]*$/)
      expect(entry.userMessage, entry.name).toBeTruthy()
      expect(entry.userMessage, entry.name).not.toMatch(/rule-derived|[A-Z]{3,}_[A-Z]/)
    }
  })

  it('gives flood waits a scope, and scopes only to flood-type errors', () => {
    for (const entry of entries) {
      if (entry.scope !== undefined) expect(entry.codes, entry.name).toContain(420)
      if (entry.action === 'wait' && entry.codes.includes(420)) expect(entry.scope, entry.name).toBeDefined()
    }
    expect(lookup('FLOOD_WAIT_%d')?.scope).toBe('method')
    expect(lookup('SLOWMODE_WAIT_%d')?.scope).toBe('peer')
    expect(lookup('FLOOD_TEST_PHONE_WAIT_%d')?.scope).toBe('phone')
  })

  it('names the parameter of every template, with a meaning', () => {
    const fromCore = new Map(PARAMETERISED_TEMPLATES.map(([t, p]) => [t, p]))
    for (const entry of entries.filter((e) => e.name.includes('%d'))) {
      expect(entry.params.map((p) => p.name)).toEqual(fromCore.get(entry.name))
      for (const param of entry.params) {
        expect(param.meaning.length).toBeGreaterThan(5)
        expect(entry.description, entry.name).toContain(`{${param.name}}`)
      }
    }
  })

  it('keeps the recommended actions the recovery engine keys off', () => {
    expect(lookup('USER_MIGRATE_%d')?.action).toBe('migrate')
    expect(lookup('FLOOD_WAIT_%d')?.action).toBe('wait')
    expect(lookup('FLOOD_WAIT_%d_OR_STARS_%d')?.action).toBe('wait-or-pay')
    expect(lookup('AUTH_KEY_UNREGISTERED')?.action).toBe('reauthorize')
    expect(lookup('SESSION_PASSWORD_NEEDED')?.action).toBe('login-step')
    expect(lookup('PHONE_NUMBER_INVALID')?.action).toBe('fix-input')
    expect(lookup('FILE_REFERENCE_EXPIRED')?.action).toBe('refresh-file-reference')
    expect(lookup('FILE_PART_%d_MISSING')?.action).toBe('reupload-file-part')
    expect(lookup('RPC_CALL_FAIL')?.action).toBe('retry')
    expect(lookup('CHAT_WRITE_FORBIDDEN')?.action).toBe('do-not-retry')
  })

  it('lists methods, or says that any method can return the type', () => {
    expect(lookup('AUTH_KEY_UNREGISTERED')?.anyMethod).toBe(true)
    expect(lookup('PHONE_NUMBER_INVALID')?.methods).toContain('auth.sendCode')
  })
})
