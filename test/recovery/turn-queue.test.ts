import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CallContext } from '../../src/recovery/policy.js'
import { type CallPriority, TurnQueue, type TurnWaiter } from '../../src/recovery/turn-queue.js'

function waiter(id: number): TurnWaiter & { id: number } {
  return { id, call: { ended: false } as CallContext, grant: () => undefined }
}

type Op = { kind: 'push'; priority: CallPriority } | { kind: 'remove'; pick: number } | { kind: 'shift' }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    priority: fc.constantFrom<CallPriority>('interactive', 'bulk'),
  }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('shift' as const) }),
)

describe('TurnQueue', () => {
  it('serves interactive waiters first, each priority in arrival order, skipping removed ones', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const queue = new TurnQueue()
        // The model: two plain arrays.
        const model: Record<CallPriority, Array<TurnWaiter & { id: number }>> = { interactive: [], bulk: [] }
        let next = 0
        for (const step of ops) {
          if (step.kind === 'push') {
            const entry = waiter(next++)
            queue.push(entry, step.priority)
            model[step.priority].push(entry)
          } else if (step.kind === 'remove') {
            const all = [...model.interactive, ...model.bulk]
            const target = all[step.pick % Math.max(1, all.length)]
            if (target === undefined) continue
            queue.remove(target)
            for (const list of Object.values(model)) {
              const at = list.indexOf(target)
              if (at >= 0) list.splice(at, 1)
            }
          } else {
            const expected = model.interactive.shift() ?? model.bulk.shift()
            expect(queue.shift()).toBe(expected)
          }
          expect(queue.size).toBe(model.interactive.length + model.bulk.length)
        }
        expect(queue.drain()).toEqual([...model.interactive, ...model.bulk])
        expect(queue.size).toBe(0)
      }),
    )
  })

  it('tells a waiter whose call ended that it gets no turn, and serves the next', () => {
    const queue = new TurnQueue()
    const answers: boolean[] = []
    const ended: TurnWaiter = { call: { ended: true } as CallContext, grant: (go) => answers.push(go) }
    const live = waiter(1)
    queue.push(ended, 'interactive')
    queue.push(live, 'bulk')
    expect(queue.shift()).toBe(live)
    expect(answers).toEqual([false])
  })
})
