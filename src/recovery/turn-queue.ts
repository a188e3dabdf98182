import type { CallContext } from './policy.js'

/** Which calls take a paced key's next slots first. */
export type CallPriority = 'interactive' | 'bulk'

/** One call waiting for its turn. */
export interface TurnWaiter {
  readonly call: CallContext
  /** Lets the call go (`true`), or tells it it will not get a turn here (`false`). */
  readonly grant: (go: boolean) => void
}

/**
 * Calls waiting for a turn, interactive ones before bulk ones, first come first served within each.
 * Arrays with a moving head rather than `shift()`, so a long broadcast queue stays O(1) per turn.
 */
export class TurnQueue {
  private readonly interactive: Array<TurnWaiter | undefined> = []
  private readonly bulk: Array<TurnWaiter | undefined> = []
  private interactiveHead = 0
  private bulkHead = 0
  private count = 0
  /** Waiters removed while still in a list; dropped from it when their turn comes. */
  private removed = new WeakSet<TurnWaiter>()

  /** Calls waiting. */
  get size(): number {
    return this.count
  }

  /** Queues `waiter` behind the others of its priority. */
  push(waiter: TurnWaiter, priority: CallPriority): void {
    ;(priority === 'bulk' ? this.bulk : this.interactive).push(waiter)
    this.count++
  }

  /** The next waiter whose call has not ended, removed from the queue; `undefined` when none. */
  shift(): TurnWaiter | undefined {
    for (;;) {
      const waiter = this.take()
      if (waiter === undefined || !waiter.call.ended) return waiter
      waiter.grant(false)
    }
  }

  /**
   * Removes `waiter` (its call ended). Lazily: it is skipped when its turn comes, so ending every
   * call of a long broadcast queue (`close()`) costs O(1) each rather than a search each.
   */
  remove(waiter: TurnWaiter): void {
    if (this.removed.has(waiter)) return
    this.removed.add(waiter)
    this.count--
    // The last one gone: drop the lists, so no ended call stays referenced from here.
    if (this.count === 0) this.take()
  }

  /** Empties the queue, returning the waiters in turn order. */
  drain(): TurnWaiter[] {
    const all: TurnWaiter[] = []
    for (let waiter = this.take(); waiter !== undefined; waiter = this.take()) all.push(waiter)
    return all
  }

  private take(): TurnWaiter | undefined {
    while (this.count > 0) {
      const fromInteractive = this.interactiveHead < this.interactive.length
      const list = fromInteractive ? this.interactive : this.bulk
      const head = fromInteractive ? this.interactiveHead++ : this.bulkHead++
      const waiter = list[head]
      list[head] = undefined
      if (waiter === undefined || this.removed.has(waiter)) continue
      this.count--
      this.compact()
      return waiter
    }
    // Nothing is waiting: whatever removed entries are left in the lists can go at once.
    this.interactive.length = 0
    this.bulk.length = 0
    this.interactiveHead = 0
    this.bulkHead = 0
    this.removed = new WeakSet()
    return undefined
  }

  private compact(): void {
    if (this.interactiveHead === this.interactive.length) {
      this.interactive.length = 0
      this.interactiveHead = 0
    }
    if (this.bulkHead === this.bulk.length) {
      this.bulk.length = 0
      this.bulkHead = 0
    }
  }
}
