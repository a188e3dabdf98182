import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { detailsOf, isRpcError, NetworkError, RpcError } from '../../src/index.js'
import { transferDetails } from '../../src/recovery/recovery-details.js'
import { anyForeignValue } from '../error/hostile-values.js'
import { setup } from './helpers.js'

/** Ways an owner can make an error refuse new properties. */
const lockings: Record<string, (error: RpcError) => RpcError> = {
  frozen: (error) => Object.freeze(error),
  sealed: (error) => Object.seal(error),
  'not extensible': (error) => Object.preventExtensions(error),
  'a non-configurable property the details use': (error) =>
    Object.defineProperty(error, 'method', { value: 'theirs', configurable: false }),
  'a Proxy whose defineProperty throws': (error) =>
    new Proxy(error, {
      defineProperty() {
        throw new Error('no properties here')
      },
    }),
  'a Proxy that pretends to define': (error) => new Proxy(error, { defineProperty: () => true }),
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail')
}

describe('errors the engine does not own', () => {
  for (const [name, lock] of Object.entries(lockings)) {
    it(`throws the user's own error when it is ${name}, with details kept aside`, async () => {
      const theirs = lock(RpcError.from(400, 'PEER_ID_INVALID'))
      const { invoke } = setup({
        send: () => {
          throw theirs
        },
      })
      const error = await rejectionOf(invoke('messages.sendMessage', { peer: 1 }))
      expect(error).toBe(theirs)
      const details = detailsOf(error)
      expect(details).toMatchObject({ method: 'messages.sendMessage', giveUpReason: 'not-retryable' })
      expect(details?.attempts).toHaveLength(1)
      expect(details?.report.outcome.code).toBe(400)
    })
  }

  it('moves details onto a client library error that is frozen, as the GramJS adapter does', async () => {
    const { invoke } = setup({
      send: () => {
        throw RpcError.from(400, 'MESSAGE_EMPTY')
      },
    })
    const ours = await rejectionOf(invoke('messages.sendMessage'))
    const theirs = Object.freeze(new Error('their own error object'))
    expect(transferDetails(ours as object, theirs)).toBe(true)
    expect(detailsOf(theirs)?.method).toBe('messages.sendMessage')
    expect(detailsOf(theirs)?.report).toBe(detailsOf(ours)?.report)
  })

  it('keeps each call its own details when the same frozen error is thrown twice', async () => {
    const theirs = Object.freeze(RpcError.from(403, 'CHAT_WRITE_FORBIDDEN'))
    const { invoke } = setup({
      send: () => {
        throw theirs
      },
    })
    const first = await rejectionOf(invoke('first.call'))
    const second = await rejectionOf(invoke('second.call'))
    expect(first).toBe(theirs)
    expect(detailsOf(first)?.method).toBe('first.call')
    expect(detailsOf(second)?.method).toBe('second.call')
  })

  it('for any locking of any error code, throws that very object and never a TypeError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.values(lockings)),
        fc.constantFrom(400, 401, 403, 404, 406, 500),
        async (lock, code) => {
          const theirs = lock(RpcError.from(code, code === 401 ? 'AUTH_KEY_UNREGISTERED' : 'SOME_ERROR'))
          const { invoke } = setup({
            maxAttempts: 1,
            send: () => Promise.reject(theirs),
          })
          const error = await rejectionOf(invoke('m.x'))
          expect(error).toBe(theirs)
          expect(detailsOf(error)?.method).toBe('m.x')
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('results the engine does not own', () => {
  it('hands back a result whose reading throws, as it is', async () => {
    // `then` must read cleanly: a promise resolving with the value reads it before we do.
    const result = new Proxy(
      {},
      {
        get(_target, key) {
          if (key === 'then') return undefined
          throw new Error('trap')
        },
        getPrototypeOf() {
          throw new Error('trap')
        },
      },
    )
    const { invoke } = setup({ maxAttempts: 1, send: async () => result })
    expect(await invoke('m.x')).toBe(result)
  })
})

describe('a non-Error thrown by send', () => {
  it('is reported by what it is, kept as the cause', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /send failed: a non-Error was thrown: null$/],
      [undefined, /a non-Error was thrown: undefined$/],
      ['socket hang up', /a non-Error was thrown: a string "socket hang up"$/],
      [42, /a non-Error was thrown: the number 42$/],
      [{ reason: 'gone' }, /a non-Error was thrown: an object \{ reason \}$/],
    ]
    for (const [thrown, message] of cases) {
      const { invoke } = setup({
        maxAttempts: 1,
        send: () => {
          throw thrown
        },
      })
      const error = await rejectionOf(invoke('m.x'))
      expect(error).toBeInstanceOf(NetworkError)
      expect((error as NetworkError).message).toMatch(message)
      expect((error as NetworkError).cause).toBe(thrown)
      expect(detailsOf(error)?.method).toBe('m.x')
    }
  })

  it('whatever it is, ends the call with a typed error that keeps it', async () => {
    await fc.assert(
      fc.asyncProperty(anyForeignValue, fc.boolean(), async (draw, synchronous) => {
        const thrown = draw()
        const { invoke } = setup({
          maxAttempts: 1,
          send: () => {
            if (synchronous) throw thrown
            return Promise.reject(thrown)
          },
        })
        const error = await rejectionOf(invoke('m.x'))
        if (isRpcError(error)) return // a value in one of the accepted error shapes
        expect(error).toBeInstanceOf(NetworkError)
        expect(Object.is((error as NetworkError).cause, thrown)).toBe(true)
        expect((error as NetworkError).message).not.toMatch(/\[object /)
        expect(detailsOf(error)?.giveUpReason).toBe('attempts-exhausted')
      }),
      { numRuns: 300 },
    )
  })
})

describe('a policy that throws a value the engine does not own', () => {
  it('ends the call with that very value, whatever it is', async () => {
    await fc.assert(
      fc.asyncProperty(anyForeignValue, async (draw) => {
        const thrown = draw()
        const { invoke } = setup({
          policies: [
            {
              name: 'hostile',
              onFailure() {
                throw thrown
              },
            },
          ],
          send: () => Promise.reject(new Error('socket closed')),
        })
        const outcome = await invoke('m.x').then(
          () => ({ settled: 'resolved' }),
          (error: unknown) => ({ settled: 'rejected', error }),
        )
        expect(outcome.settled).toBe('rejected')
        expect(Object.is((outcome as { error: unknown }).error, thrown)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
