/**
 * One `abort` listener per signal, however many calls share it. Node warns
 * (MaxListenersExceededWarning) once an EventTarget has more than ten listeners for one event, and
 * a caller who cancels a whole batch with one signal would see that warning for every batch; the
 * usual cure, `events.setMaxListeners`, is Node's, and the core imports nothing from Node. So each
 * signal gets a single listener that tells a set of subscribers, and the listener goes away with
 * the last of them. Runtime-free.
 */

/** Something that wants to hear one signal's abort (the engine's calls pass themselves). */
export interface AbortSubscriber {
  /** Called once when the signal aborts, if still subscribed. */
  handleEvent(): void
}

interface Entry {
  readonly subscribers: Set<AbortSubscriber>
  readonly listener: () => void
}

/** Weak: a signal nobody holds any more takes its entry with it. */
const entries = new WeakMap<AbortSignal, Entry>()

/** Subscribes `subscriber` to `signal`'s abort; a second subscribe of the same one is a no-op. */
export function subscribeAbort(signal: AbortSignal, subscriber: AbortSubscriber): void {
  let entry = entries.get(signal)
  if (entry === undefined) {
    const subscribers = new Set<AbortSubscriber>()
    const listener = () => {
      entries.delete(signal)
      signal.removeEventListener('abort', listener)
      // A copy: a subscriber may subscribe or unsubscribe others while being told.
      for (const each of [...subscribers]) each.handleEvent()
      subscribers.clear()
    }
    entry = { subscribers, listener }
    entries.set(signal, entry)
    signal.addEventListener('abort', listener)
  }
  entry.subscribers.add(subscriber)
}

/** Unsubscribes `subscriber`; the signal's listener is removed with the last subscriber. */
export function unsubscribeAbort(signal: AbortSignal, subscriber: AbortSubscriber): void {
  const entry = entries.get(signal)
  if (entry === undefined || !entry.subscribers.delete(subscriber)) return
  if (entry.subscribers.size > 0) return
  entries.delete(signal)
  signal.removeEventListener('abort', entry.listener)
}

/** How many subscribers `signal` has (for tests and leak checks). */
export function abortSubscriberCount(signal: AbortSignal): number {
  return entries.get(signal)?.subscribers.size ?? 0
}
