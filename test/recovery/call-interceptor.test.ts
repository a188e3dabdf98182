import { describe, expect, it } from 'vitest'
import type { InterceptedCall } from '../../src/recovery/call-interceptor.js'
import { setup, unauthorizedOn } from './helpers.js'

describe('invoker.intercept', () => {
  it('wraps every call, outermost last installed, with what the call is and its result', async () => {
    const { invoke } = setup({ account: 'alice', homeDcId: 2, send: (request) => `${request.method} done` })
    const trail: string[] = []
    const seen: InterceptedCall[] = []
    invoke.intercept(async (call, proceed) => {
      trail.push('inner in')
      seen.push(call)
      const value = await proceed()
      trail.push('inner out')
      return value
    })
    invoke.intercept(async (_call, proceed) => {
      trail.push('outer in')
      const value = await proceed()
      trail.push('outer out')
      return `${value}!`
    })
    await expect(invoke('users.getUsers', { id: 1 }, { dcId: 4 })).resolves.toBe('users.getUsers done!')
    expect(trail).toEqual(['outer in', 'inner in', 'inner out', 'outer out'])
    expect(seen).toEqual([
      { method: 'users.getUsers', params: { id: 1 }, options: { dcId: 4 }, account: 'alice', dcId: 4 },
    ])
  })

  it('counts every send of the call, the repeat after a re-authorization included', async () => {
    const { invoke } = setup({ homeDcId: 2, ...unauthorizedOn(4, 'file') })
    const sends: number[] = []
    invoke.intercept(async (call, proceed) => {
      sends.push(call.sends)
      try {
        return await proceed()
      } finally {
        sends.push(call.sends)
      }
    })
    await expect(invoke('upload.getFile', {}, { dcId: 4 })).resolves.toBe('file')
    await expect(invoke('upload.getFile', {}, { dcId: 4 })).resolves.toBe('file')
    // Before and after each call: two sends for the first (401, then the repeat), one for the second.
    expect(sends).toEqual([0, 2, 0, 1])
  })

  it('stops wrapping once removed; removing twice is harmless', async () => {
    const { invoke } = setup({ send: () => 'ok' })
    let wrapped = 0
    const remove = invoke.intercept((_call, proceed) => {
      wrapped++
      return proceed()
    })
    await invoke('help.getConfig')
    remove()
    remove()
    await invoke('help.getConfig')
    expect(wrapped).toBe(1)
  })

  it('ends the call with a rejection when an interceptor throws, and sends nothing', async () => {
    const sent: string[] = []
    const { invoke } = setup({ send: (request) => sent.push(request.method) })
    invoke.intercept(() => {
      throw new Error('interceptor bug')
    })
    await expect(invoke('help.getConfig')).rejects.toThrow('interceptor bug')
    expect(sent).toEqual([])
  })

  it('refuses a second proceed, so an interceptor cannot send a call twice', async () => {
    const sent: string[] = []
    const { invoke } = setup({ send: (request) => sent.push(request.method) })
    invoke.intercept(async (_call, proceed) => {
      await proceed()
      return proceed()
    })
    await expect(invoke('help.getConfig')).rejects.toThrow(/proceeded twice/)
    expect(sent).toEqual(['help.getConfig'])
  })

  it('passes the error of the call through unchanged', async () => {
    const failure = new Error('network down')
    const { invoke } = setup({
      maxAttempts: 1,
      send: () => {
        throw failure
      },
    })
    let caught: unknown
    invoke.intercept(async (_call, proceed) => {
      try {
        return await proceed()
      } catch (error) {
        caught = error
        throw error
      }
    })
    const thrown = await invoke('help.getConfig').catch((error: unknown) => error)
    expect(thrown).toBe(caught)
    expect((thrown as Error).name).toBe('NetworkError')
  })
})
