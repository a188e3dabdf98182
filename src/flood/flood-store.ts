/**
 * Where flood-wait windows are remembered, so that no call is sent into a window the server has
 * already announced. The engine owns the keys (see `floodKey`); a store only maps a key to the end
 * of its window.
 *
 * The contract is shaped for a store shared by many processes (Redis with pub/sub) as much as for
 * the in-memory one:
 * - `get` is synchronous because the engine asks it before every send while any window is open; a
 *   remote store answers from a local mirror that its subscription keeps current.
 * - `record` may be asynchronous (a remote write). The engine never waits for it: the window is
 *   already enforced locally by the caller that saw the error, and a failed write is reported on
 *   the `storeError` event.
 * - `size` lets the engine skip building keys entirely while nothing is recorded, which keeps the
 *   happy path free. A mirror reports the windows it holds locally.
 * - Times are epoch milliseconds of the engine's clock, passed in, so a store never reads a clock
 *   of its own and fake time works in tests.
 */
export interface FloodStore {
  /** The number of windows held locally (expired ones not yet purged may be counted). */
  readonly size: number
  /** The end of the open window under `key` (epoch ms), or `undefined` when none is open at `now`. */
  get(key: string, now: number): number | undefined
  /**
   * Remembers that `key` may not be called before `endsAt`. Never shortens a window: a record that
   * ends earlier than the one held is ignored, because the server's longest word wins.
   */
  record(key: string, endsAt: number, now: number): void | Promise<void>
  /** Forgets one window (after a logout, or when the user knows better). Optional. */
  delete?(key: string): void | Promise<void>
  /** Forgets every window. Optional. */
  clear?(): void | Promise<void>
  /**
   * Whether a window may be held under a key of `group` (see `floodKeyGroup`): `false` lets the
   * engine skip building a call's keys while other keys are in a window. Expired windows not yet
   * purged may answer `true`. Optional; without it every scope's key is looked up.
   */
  hasGroup?(group: string): boolean
  /** The windows open at `now`, as `[key, endsAt]` pairs, for reports (the account pool's). Optional. */
  open?(now: number): Iterable<[string, number]>
}
