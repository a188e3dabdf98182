import type { CallContext } from '../../recovery/policy.js'

/**
 * The order in which messages asked for together book their slots. A broadcast sent at once
 * (`Promise.all` over the recipients) asks for every slot in one turn of the event loop; booked in
 * the order asked, a group's first message may come tenth and its last (four seconds of one a
 * second later) ends the broadcast late. Booked chats with the most messages first, as a scheduler
 * starts its longest jobs first, every group's chain starts in the first slots and the users'
 * single messages fill the bot's slots around them. Messages into one chat keep their order, and
 * nothing waits longer than that one turn (a zero-delay timer).
 */
export class BookingOrder {
  private pending: Array<{ readonly chatKey: string; readonly go: () => void }> = []
  private scheduled = false

  /** Waits for the turn of a message into `chatKey`; `false` if the call ended first. */
  async turn(call: CallContext, chatKey: string): Promise<boolean> {
    let go: () => void = () => undefined
    const ready = new Promise<void>((resolve) => {
      go = resolve
    })
    this.pending.push({ chatKey, go })
    if (!this.scheduled) {
      this.scheduled = true
      call.invoker.clock.setTimer(() => this.flush(), 0)
    }
    return (await call.settle(ready)) !== undefined
  }

  private flush(): void {
    this.scheduled = false
    const batch = this.pending
    this.pending = []
    const counts = new Map<string, number>()
    for (const { chatKey } of batch) counts.set(chatKey, (counts.get(chatKey) ?? 0) + 1)
    const ordered = batch
      .map((entry, index) => ({ entry, index, count: counts.get(entry.chatKey) ?? 1 }))
      .sort((a, b) => b.count - a.count || a.index - b.index)
    for (const { entry } of ordered) entry.go()
  }
}
