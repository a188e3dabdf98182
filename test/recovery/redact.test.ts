import { describe, expect, it } from 'vitest'
import { redact } from '../../src/index.js'
import { REDACTED } from '../../src/recovery/redact.js'

const bytes = (n: number) => new Uint8Array(n).fill(7)

describe('redact', () => {
  it.each([
    ['phone numbers', { phone_number: '+15550102030', phoneNumber: '15550102030', phone: '+1 555' }],
    ['login codes', { phone_code: '12345', phoneCode: '12345', phone_code_hash: 'abcdef' }],
    ['passwords', { password: 'hunter2', new_password: 'x', current_password: 'y', tmp_password: 'z' }],
    ['password settings', { new_settings: { new_password_hash: 'h', hint: 'dog', email: 'a@b.c' } }],
    ['api_hash', { api_id: 12345, api_hash: '0123456789abcdef0123456789abcdef' }],
    ['bot tokens', { bot_auth_token: '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11' }],
    ['push tokens', { token_type: 2, token: 'fcm-token', secret: bytes(4) }],
    [
      'email codes and addresses',
      { email: 'a@b.c', verification: { _: 'emailVerificationCode', code: '777' } },
    ],
    ['payment credentials', { credentials: { _: 'inputPaymentCredentials', data: { card: '4111' } } }],
  ])('hides %s', (_kind, params) => {
    const text = JSON.stringify(redact(params))
    for (const secret of ['15550102030', '12345', 'abcdef', 'hunter2', 'new_password_hash', 'dog']) {
      if (secret === '12345' && 'api_id' in params) continue
      expect(text).not.toContain(secret)
    }
    for (const secret of ['0123456789abcdef', 'ABC-DEF1234', 'fcm-token', 'a@b.c', '777', '4111']) {
      expect(text).not.toContain(secret)
    }
    expect(text).toContain(REDACTED)
  })

  it('hides every SRP field of a password check, wherever it sits', () => {
    const check = { _: 'inputCheckPasswordSRP', srp_id: 5n, A: bytes(256), M1: bytes(32) }
    expect(redact({ password: check })).toEqual({ password: REDACTED })
    expect(redact({ check: { ...check, srpId: 5n } })).toEqual({
      check: { _: 'inputCheckPasswordSRP', srp_id: REDACTED, A: REDACTED, M1: REDACTED, srpId: REDACTED },
    })
  })

  it('replaces keys and other bytes by their length', () => {
    expect(redact({ id: 2, bytes: bytes(256) })).toEqual({ id: 2, bytes: REDACTED })
    expect(redact({ auth_key: bytes(256), authKey: bytes(256) })).toEqual({
      auth_key: REDACTED,
      authKey: REDACTED,
    })
    expect(redact({ file_part: 3, data: bytes(524_288), raw: bytes(8).buffer })).toEqual({
      file_part: 3,
      data: '[524288 bytes]',
      raw: '[8 bytes]',
    })
  })

  it('hides a plain `hash` in auth and account calls only', () => {
    expect(redact({ hash: 123n }, { method: 'account.resetAuthorization' })).toEqual({ hash: REDACTED })
    expect(redact({ hash: 123n }, { method: 'messages.getDialogs' })).toEqual({ hash: '123' })
  })

  it('masks phone numbers and bot tokens inside strings', () => {
    const out = redact({
      message: 'call me on +44 7700 900123 or use 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      note: '79991234567',
      count: '42',
      id: '-1001234567890',
    }) as Record<string, string>
    expect(out.message).toBe('call me on [phone] or use [bot-token]')
    expect(out.note).toBe('[phone]')
    expect(out.count).toBe('42')
    expect(out.id).toBe('-1001234567890')
  })

  it('accepts extra key names, compared without case or underscores', () => {
    expect(redact({ my_secret_field: 1, other: 2 }, { keys: ['MySecretField'] })).toEqual({
      my_secret_field: REDACTED,
      other: 2,
    })
  })

  it('stays bounded and JSON-serialisable, without touching the input', () => {
    type Node = { next?: Node; n: bigint }
    const cyclic: Node = { n: 1n }
    cyclic.next = cyclic
    const input = {
      list: Array.from({ length: 1_000 }, (_, i) => i),
      text: 'x'.repeat(100_000),
      cyclic,
      when: new Date(0),
      fn: () => 1,
    }
    const out = redact(input) as Record<string, unknown>
    const json = JSON.stringify(out)
    expect(json.length).toBeLessThan(2_000)
    expect((out.list as unknown[]).length).toBe(21)
    expect(out.text).toMatch(/^x{256}… \(100000 characters\)$/)
    expect(out.when).toBe('1970-01-01T00:00:00.000Z')
    expect(out).not.toHaveProperty('fn')
    expect(input.list).toHaveLength(1_000)
  })

  it('drops the duplicates GramJS keeps on TL objects', () => {
    const tl = {
      CONSTRUCTOR_ID: 1,
      SUBCLASS_OF_ID: 2,
      className: 'auth.SignIn',
      originalArgs: { phoneCode: '1' },
    }
    expect(redact(tl)).toEqual({ className: 'auth.SignIn' })
  })
})
