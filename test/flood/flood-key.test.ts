import { describe, expect, it } from 'vitest'
import { floodKey, paramsFingerprint } from '../../src/flood/index.js'
import { defaultFloodKeyOf } from '../../src/index.js'

const call = (params: unknown, method = 'messages.sendMessage') => ({ account: 'main', method, params })

describe('floodKey', () => {
  it('builds readable keys per scope', () => {
    expect(floodKey({ account: 'main', method: 'm.x', scope: 'account' })).toBe('main|*')
    expect(floodKey({ account: 'main', method: 'm.x', scope: 'method' })).toBe('main|m.x')
    expect(floodKey({ account: 'main', method: 'm.x', scope: 'peer', value: 'P' })).toBe('main|m.x|peer=P')
  })

  it('escapes an account containing the separator, so two accounts never share a key', () => {
    const a = floodKey({ account: 'a|b', method: 'm', scope: 'method' })
    const b = floodKey({ account: 'a', method: 'b|m', scope: 'method' })
    expect(a).not.toBe(b)
    expect(a).toBe('a%7Cb|m')
  })
})

describe('defaultFloodKeyOf', () => {
  it('keys a peer scope by the peer-like parameter, whatever the method parameters say otherwise', () => {
    const peer = { _: 'inputPeerChannel', channelId: 10n, accessHash: 99n }
    const one = defaultFloodKeyOf(call({ peer, message: 'a' }), 'peer')
    const two = defaultFloodKeyOf(call({ peer, message: 'b' }), 'peer')
    expect(one).toBe(two)
    expect(one).toContain('|peer=')
    expect(defaultFloodKeyOf(call({ chat_id: 5 }), 'peer')).toBe('main|messages.sendMessage|peer=5')
    expect(defaultFloodKeyOf(call({ to_peer: 7, from_peer: 8 }), 'peer')).toBe(
      'main|messages.sendMessage|peer=7',
    )
  })

  it('falls back to the method key when the scope has no parameter', () => {
    expect(defaultFloodKeyOf(call({ message: 'x' }), 'peer')).toBe('main|messages.sendMessage')
    expect(defaultFloodKeyOf(call(undefined), 'phone')).toBe('main|messages.sendMessage')
  })

  it('normalises phone numbers', () => {
    const a = defaultFloodKeyOf(call({ phone_number: '+1 (555) 010-2030' }, 'auth.sendCode'), 'phone')
    const b = defaultFloodKeyOf(call({ phoneNumber: '15550102030' }, 'auth.sendCode'), 'phone')
    expect(a).toBe(b)
  })

  it('never puts readable parameter values in keys, which reach shared stores and logs', () => {
    const signIn = call({ phone_number: '+15550102030', phone_code: '24680' }, 'auth.signIn')
    const peer = call({ peer: { _: 'inputPeerUser', userId: 5n, accessHash: 987654321n } })
    for (const key of [
      defaultFloodKeyOf(signIn, 'params'),
      defaultFloodKeyOf(signIn, 'phone'),
      defaultFloodKeyOf(peer, 'peer'),
    ]) {
      expect(key).toMatch(/=#[0-9a-f]{16}$/)
      for (const secret of ['5550102030', '24680', '987654321']) expect(key).not.toContain(secret)
    }
  })

  it('keys the params scope by every parameter but nonces, in any key order', () => {
    const a = defaultFloodKeyOf(call({ peer: 1, message: 'hi', random_id: 1n }), 'params')
    const b = defaultFloodKeyOf(call({ random_id: 2n, message: 'hi', peer: 1 }), 'params')
    const c = defaultFloodKeyOf(call({ peer: 1, message: 'other' }), 'params')
    expect(a).toBe(b)
    expect(a).not.toBe(c)
  })
})

describe('paramsFingerprint', () => {
  it('is stable across key order and distinguishes types', () => {
    expect(paramsFingerprint({ b: 1, a: [1n, 'x'] })).toBe(paramsFingerprint({ a: [1n, 'x'], b: 1 }))
    expect(paramsFingerprint({ a: 1 })).not.toBe(paramsFingerprint({ a: '1' }))
    expect(paramsFingerprint({ a: 1 })).not.toBe(paramsFingerprint({ a: 1n }))
    expect(paramsFingerprint('a,b')).not.toBe(paramsFingerprint(['a', 'b']))
  })

  it('handles bigint and byte arrays by value', () => {
    expect(paramsFingerprint({ id: 12345678901234567890n })).toBe(
      paramsFingerprint({ id: 12345678901234567890n }),
    )
    const bytes = new Uint8Array([1, 2, 3])
    expect(paramsFingerprint({ bytes })).toBe(paramsFingerprint({ bytes: new Uint8Array([1, 2, 3]) }))
    expect(paramsFingerprint({ bytes })).not.toBe(paramsFingerprint({ bytes: new Uint8Array([1, 2, 4]) }))
    expect(paramsFingerprint(new Uint8Array([1]).buffer)).toBe(paramsFingerprint(new Uint8Array([1]).buffer))
  })

  it('stays bounded in length and time for huge, deep and cyclic input', () => {
    type Node = { next?: Node; payload?: unknown }
    const cyclic: Node = {}
    cyclic.next = cyclic
    let deep: Node = {}
    for (let i = 0; i < 10_000; i++) deep = { next: deep }
    const inputs = [
      { bytes: new Uint8Array(8 * 1024 * 1024) },
      { text: 'x'.repeat(5_000_000) },
      { list: Array.from({ length: 100_000 }, (_, i) => i) },
      cyclic,
      deep,
    ]
    const started = performance.now()
    for (const input of inputs) expect(paramsFingerprint(input).length).toBeLessThanOrEqual(64)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('keeps short fingerprints readable and hashes long ones', () => {
    expect(paramsFingerprint({ peer: 5 })).toBe('{peer:5}')
    expect(paramsFingerprint({ message: 'y'.repeat(100) })).toMatch(/^#[0-9a-f]{16}$/)
  })
})
