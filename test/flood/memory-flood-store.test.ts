import { describe, expect, it } from 'vitest'
import { floodKey } from '../../src/flood/flood-key.js'
import { floodKeyGroup, MemoryFloodStore } from '../../src/index.js'

describe('MemoryFloodStore', () => {
  it('holds a window until it ends, then forgets it on the next read', () => {
    const store = new MemoryFloodStore()
    store.record('a', 1_000, 0)
    expect(store.get('a', 999)).toBe(1_000)
    expect(store.size).toBe(1)
    expect(store.get('a', 1_000)).toBeUndefined()
    expect(store.size).toBe(0)
  })

  it('never shortens a window: the longest word of the server wins', () => {
    const store = new MemoryFloodStore()
    store.record('a', 5_000, 0)
    store.record('a', 2_000, 0)
    expect(store.get('a', 0)).toBe(5_000)
    store.record('a', 9_000, 0)
    expect(store.get('a', 0)).toBe(9_000)
  })

  it('ignores windows that have already ended', () => {
    const store = new MemoryFloodStore()
    store.record('a', 100, 100)
    store.record('b', 50, 100)
    expect(store.size).toBe(0)
  })

  it('purges ended windows as it grows, so memory follows the open windows only', () => {
    const store = new MemoryFloodStore()
    for (let i = 0; i < 100_000; i++) store.record(`k${i}`, i + 10, i)
    // Every window lasted 10 ms; at most a doubling's worth of ended ones is ever kept.
    expect(store.size).toBeLessThan(200)
    const held = store.size
    expect(store.purge(1_000_000)).toBe(held)
    expect(store.size).toBe(0)
  })

  it('stays within maxKeys by dropping the oldest recorded windows', () => {
    const store = new MemoryFloodStore({ maxKeys: 3 })
    for (const key of ['a', 'b', 'c', 'd', 'e']) store.record(key, 1_000, 0)
    expect(store.size).toBe(3)
    expect(store.get('a', 0)).toBeUndefined()
    expect(store.get('b', 0)).toBeUndefined()
    expect(store.get('e', 0)).toBe(1_000)
  })

  it('deletes and clears', () => {
    const store = new MemoryFloodStore()
    store.record('a', 1_000, 0)
    store.record('b', 1_000, 0)
    store.delete('a')
    expect(store.get('a', 0)).toBeUndefined()
    store.clear()
    expect(store.size).toBe(0)
  })
})

describe('MemoryFloodStore key groups', () => {
  it('tells whether any window of a method (or the account) is held, following records, reads and purges', () => {
    const store = new MemoryFloodStore()
    const peerKey = floodKey({ account: 'a', method: 'messages.sendMessage', scope: 'peer', value: '7' })
    store.record(peerKey, 1_000, 0)
    store.record(floodKey({ account: 'a', method: 'x', scope: 'account' }), 500, 0)
    expect(floodKeyGroup(peerKey)).toBe('a|messages.sendMessage')
    expect(store.hasGroup('a|messages.sendMessage')).toBe(true)
    expect(store.hasGroup('a|*')).toBe(true)
    expect(store.hasGroup('a|messages.getHistory')).toBe(false)
    // A read past the end forgets the window and its group.
    expect(store.get('a|*', 600)).toBeUndefined()
    expect(store.hasGroup('a|*')).toBe(false)
    store.purge(2_000)
    expect(store.hasGroup('a|messages.sendMessage')).toBe(false)
  })
})
