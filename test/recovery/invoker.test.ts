import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createInvoker,
  DeadlineExceededError,
  deadlinePresets,
  defaultPolicies,
  detailsOf,
  FloodError,
  InternalServerError,
  InvokerClosedError,
  isRpcError,
  NetworkError,
  type Policy,
  RETRY,
  type RpcError,
  type SendRequest,
  stopWith,
} from '../../src/index.js'
import { engineOf } from '../../src/recovery/invoker.js'
import { capture, rpc, scriptedSend, sequence, setup } from './helpers.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('createInvoker: the happy path', () => {
  it('needs no configuration and passes the request through', async () => {
    const send = vi.fn((request: SendRequest) => ({ echo: request.params }))
    const invoke = createInvoker({ send })
    await expect(invoke('help.getConfig', { a: 1 })).resolves.toEqual({ echo: { a: 1 } })
    expect(send).toHaveBeenCalledOnce()
    const request = send.mock.calls[0]?.[0]
    expect(request).toMatchObject({ method: 'help.getConfig', params: { a: 1 }, dcId: undefined, attempt: 1 })
    expect(invoke.pendingCount).toBe(0)
  })

  it('accepts synchronous sends and plain values', async () => {
    const invoke = createInvoker({ send: () => 42 })
    await expect(invoke('m.x')).resolves.toBe(42)
  })

  it.each([
    ['a TL rpc_error', { _: 'rpc_error', errorCode: 500, errorMessage: 'INTERNAL' }],
    ['a raw TL error', { error_code: 500, error_message: 'INTERNAL' }],
    ['a Bot API error body', { ok: false, error_code: 500, description: 'Internal Server Error' }],
    ['an RpcError', rpc(500, 'INTERNAL')],
  ])('takes %s resolved by send for an error', async (_name, value) => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), maxAttempts: 1 })
    const transport = scriptedSend(clock, () => value)
    await expect(invoke('m.x', {})).rejects.toBeInstanceOf(InternalServerError)
  })

  it('does not take an ordinary result for an error', async () => {
    const result = { code: 5, type: 'auth.sentCodeTypeApp', text: 'x', message: 'y' }
    const invoke = createInvoker({ send: () => result })
    await expect(invoke('auth.sendCode')).resolves.toBe(result)
  })
  it('hands the per-call context to every send of the call, and keeps it out of flood keys', async () => {
    const contexts: unknown[] = []
    const marker = { request: 'the client library object' }
    const { clock, invoke } = setup({
      send: (request: SendRequest) => {
        contexts.push(request.context)
        if (contexts.length === 1) throw rpc(420, 'FLOOD_WAIT_1')
        return 'ok'
      },
    })
    const keys: string[] = []
    invoke.on('floodWait', (event) => keys.push(event.key))
    const call = invoke('messages.getHistory', { peer: 1 }, { context: marker })
    await clock.advance(1000)
    await expect(call).resolves.toBe('ok')
    expect(contexts).toEqual([marker, marker])
    expect(keys.join()).not.toContain('client library')
  })
})

describe('thrown errors', () => {
  it('carry the stack of the caller of invoke, not of the transport', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(400, 'PEER_ID_INVALID')])
    async function showProfileOfUser(): Promise<unknown> {
      return await invoke('users.getFullUser', {})
    }
    const error = (await showProfileOfUser().catch((e: unknown) => e)) as Error
    expect(error.stack).toContain('showProfileOfUser')
    expect(error.stack).not.toContain('helpers.ts')
  })

  it('are the last real error, with wire data intact, cloned when the transport reuses one object', async () => {
    const shared = rpc(303, 'FILE_MIGRATE_9')
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, () => {
      throw shared
    })
    const one = (await invoke('a', {}).catch((e: unknown) => e)) as RpcError
    const two = (await invoke('b', {}).catch((e: unknown) => e)) as RpcError
    expect(one).toBe(shared)
    expect(two).not.toBe(shared)
    for (const error of [one, two]) {
      expect(error).toMatchObject({ code: 303, errorMessage: 'FILE_MIGRATE_9', params: { dcId: 9 } })
      expect((error as unknown as { dcId: number }).dcId).toBe(9)
    }
    expect(detailsOf(one)?.method).toBe('a')
    expect(detailsOf(two)?.method).toBe('b')
  })

  it('keep the report out of console output until read', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(400, 'PEER_ID_INVALID')])
    const error = await invoke('m.x', {}).catch((e: unknown) => e)
    expect(Object.keys(error as object)).not.toContain('report')
    expect(detailsOf(error)?.report.method).toBe('m.x')
  })
})

describe('deadline, abort and close', () => {
  it('ends a call whose send hangs at its deadline, aborting the signal given to send', async () => {
    let seen: AbortSignal | undefined
    const { clock, invoke } = setup({
      send: (request) => {
        seen = request.signal
        return new Promise(() => undefined)
      },
    })
    const result = capture(invoke('m.x', {}, { deadlineMs: deadlinePresets.typing }))
    await clock.advance(2_999)
    expect(result.settled).toBe(false)
    await clock.advance(1)
    const error = result.error as DeadlineExceededError
    expect(error).toBeInstanceOf(DeadlineExceededError)
    expect(error.deadlineMs).toBe(3_000)
    expect(detailsOf(error)?.giveUpReason).toBe('deadline')
    expect(seen?.aborted).toBe(true)
    expect(clock.pending).toBe(0)
  })

  it('puts the last failure in the deadline error as its cause', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, (_r, i) =>
      i === 0 ? Promise.reject(rpc(500, 'X')) : new Promise(() => {}),
    )
    const result = capture(invoke('m.x', {}, { deadlineMs: 5_000 }))
    await clock.advance(5_000)
    expect(result.error).toBeInstanceOf(DeadlineExceededError)
    expect((result.error as Error).cause).toBeInstanceOf(InternalServerError)
    expect(detailsOf(result.error)?.attempts).toHaveLength(1)
  })

  it('rejects with the signal reason at once when aborted during a hanging send', async () => {
    const { clock, invoke } = setup({ send: () => new Promise(() => undefined) })
    const controller = new AbortController()
    const result = capture(invoke('m.x', {}, { signal: controller.signal }))
    await clock.advance(10)
    expect(clock.pending).toBe(1)
    controller.abort()
    await clock.advance(0)
    expect((result.error as Error).name).toBe('AbortError')
    expect(clock.pending).toBe(0)
  })

  it('rejects at once for a signal aborted before the call, without sending', async () => {
    const send = vi.fn()
    const invoke = createInvoker({ send })
    const reason = new Error('too late')
    await expect(invoke('m.x', {}, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(send).not.toHaveBeenCalled()
  })

  it('close() ends every pending call with InvokerClosedError and refuses new ones', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, (request) =>
      request.method === 'hang' ? new Promise(() => undefined) : Promise.reject(rpc(420, 'FLOOD_WAIT_30')),
    )
    const hanging = capture(invoke('hang', {}))
    const waiting = capture(invoke('flood', {}))
    await clock.advance(10)
    expect(invoke.pendingCount).toBe(2)
    invoke.close()
    await clock.advance(0)
    expect(hanging.error).toBeInstanceOf(InvokerClosedError)
    expect(waiting.error).toBeInstanceOf(InvokerClosedError)
    expect((hanging.error as InvokerClosedError).method).toBe('hang')
    expect(invoke.pendingCount).toBe(0)
    expect(clock.pending).toBe(0)
    expect(invoke.closed).toBe(true)
    await expect(invoke('m.x', {})).rejects.toBeInstanceOf(InvokerClosedError)
  })

  it('works on the global clock under vi.useFakeTimers', async () => {
    vi.useFakeTimers()
    const invoke = createInvoker({ send: () => new Promise(() => undefined), random: () => 0.5 })
    const result = capture(invoke('m.x', {}, { deadlineMs: 1_000 }))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(result.error).toBeInstanceOf(DeadlineExceededError)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('documents deadline presets', () => {
    expect(deadlinePresets).toEqual({ interactive: 60_000, bot: 10_000, typing: 3_000, background: 600_000 })
  })
})

describe('the policy chain', () => {
  it('lets users add their own policy, first in the chain', async () => {
    const captchaSolved = vi.fn()
    const captcha: Policy = {
      name: 'captcha',
      async onFailure(call, failure) {
        if (!isRpcError(failure) || failure.type !== 'CAPTCHA_REQUIRED' || call.count('captcha') > 1)
          return undefined
        await call.settle(captchaSolved)
        return RETRY
      },
    }
    const { clock, invoke } = setup({
      send: (r) => transport.send(r),
      policies: [captcha, ...defaultPolicies()],
    })
    const transport = sequence(clock, [rpc(403, 'CAPTCHA_REQUIRED')])
    await expect(invoke('m.x', {})).resolves.toBe('ok')
    expect(captchaSolved).toHaveBeenCalledOnce()
  })

  it('lets users remove a policy by name', async () => {
    const policies = defaultPolicies().filter((policy) => policy.name !== 'retry')
    const { clock, invoke } = setup({ send: (r) => transport.send(r), policies })
    const transport = sequence(clock, [rpc(500, 'INTERNAL')])
    await expect(invoke('m.x', {})).rejects.toBeInstanceOf(InternalServerError)
    expect(transport.sent).toHaveLength(1)
  })

  it('consults policies in order: an earlier one can claim a failure first', async () => {
    const rewrite: Policy = {
      name: 'rewrite',
      onFailure: (_call, failure) =>
        isRpcError(failure) && failure.code === 500 ? stopWith(rpc(400, 'NOPE')) : undefined,
    }
    const { clock, invoke } = setup({
      send: (r) => transport.send(r),
      policies: [rewrite, ...defaultPolicies()],
    })
    const transport = sequence(clock, [rpc(500, 'INTERNAL')])
    const error = (await invoke('m.x', {}).catch((e: unknown) => e)) as RpcError
    expect(error.errorMessage).toBe('NOPE')
    expect(transport.sent).toHaveLength(1)
  })

  it('lets a beforeSend refuse a call, and onSuccess observe results', async () => {
    const seen: unknown[] = []
    const gate: Policy = {
      name: 'maintenance',
      beforeSend: (call) =>
        call.method === 'blocked' ? new NetworkError('maintenance', call.method) : undefined,
      onSuccess: (_call, value) => {
        seen.push(value)
      },
    }
    const { clock, invoke } = setup({ send: (r) => transport.send(r), policies: [gate] })
    const transport = sequence(clock, [])
    await expect(invoke('blocked', {})).rejects.toBeInstanceOf(NetworkError)
    await expect(invoke('fine', {})).resolves.toBe('ok')
    expect(seen).toEqual(['ok'])
    expect(transport.sent).toHaveLength(1)
  })

  it('ends the call with what a policy threw, instead of leaving it pending', async () => {
    const broken: Policy = {
      name: 'broken',
      onFailure() {
        throw new TypeError('bug in policy')
      },
    }
    const { clock, invoke } = setup({ send: (r) => transport.send(r), policies: [broken] })
    const transport = sequence(clock, [rpc(500, 'INTERNAL')])
    await expect(invoke('m.x', {})).rejects.toThrow('bug in policy')
    expect(invoke.pendingCount).toBe(0)
  })

  it('passes options as the named createInvoker options', async () => {
    const { clock, invoke } = setup({
      send: (r) => transport.send(r),
      maxFloodWaitMs: 0,
      maxAttempts: 1,
      baseDelayMs: 10,
      maxDelayMs: 10,
      deadlineMs: 1_000,
    })
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_1'), rpc(500, 'X')])
    await expect(invoke('m.x', {})).rejects.toBeInstanceOf(FloodError)
    await expect(invoke('m.y', {})).rejects.toBeInstanceOf(InternalServerError)
    expect(invoke.limits).toMatchObject({ maxFloodWaitMs: 0, maxAttempts: 1, deadlineMs: 1_000 })
  })
})

describe('events', () => {
  it('unsubscribe, and a throwing listener never breaks a call', async () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    try {
      const { clock, invoke } = setup({ send: (r) => transport.send(r) })
      const transport = sequence(clock, [rpc(500, 'INTERNAL')])
      const seen: number[] = []
      const off = invoke.on('retry', (event) => seen.push(event.delayMs))
      invoke.on('retry', () => {
        throw new Error('listener bug')
      })
      const result = capture(invoke('m.x', {}))
      await clock.advance(1_000)
      expect(result.value).toBe('ok')
      expect(seen).toEqual([1_000])
      expect(reportError).toHaveBeenCalledOnce()
      off()
      off()
      // The test log's listener and the throwing one remain.
      expect(engineOf(invoke).events.listenerCount('retry')).toBe(2)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('a policy that answers beforeSend asynchronously', () => {
  it('still leaves the send it lets through abortable and bounded by the deadline', async () => {
    const later: Policy = { name: 'later', beforeSend: () => Promise.resolve(undefined) }
    const { clock, invoke } = setup({
      send: () => new Promise(() => undefined),
      policies: [later, ...defaultPolicies()],
    })
    const controller = new AbortController()
    const aborted = capture(invoke('m.x', {}, { signal: controller.signal }))
    const timed = capture(invoke('m.y', {}, { deadlineMs: 1_000 }))
    await clock.advance(0)
    controller.abort(new Error('stop'))
    await clock.advance(1_000)
    expect(aborted.error).toMatchObject({ message: 'stop' })
    expect(timed.error).toBeInstanceOf(DeadlineExceededError)
  })
})
