/**
 * Builds `FLOOD_WAIT_X` types from numbers that came from elsewhere (a Bot API `retry_after`, the
 * time left in a window read from a store). The grammar wants digits after the prefix: `1e+297`,
 * `Infinity`, `-3` or `1.5` would make a type that no template matches and no reader expects.
 */

/** The most seconds a built type carries: the protocol's int32, about 68 years. */
export const MAX_FLOOD_WAIT_SECONDS = 2_147_483_647

/**
 * `value` as whole seconds for a flood type: rounded up, capped at {@link MAX_FLOOD_WAIT_SECONDS};
 * `undefined` when it is not a number of 0 or more (NaN, negative, a string, ...).
 */
export function floodWaitSecondsOf(value: unknown): number | undefined {
  if (typeof value !== 'number' || !(value >= 0)) return undefined
  return Math.min(Math.ceil(value), MAX_FLOOD_WAIT_SECONDS)
}

/** `FLOOD_WAIT_<seconds>` (or another prefix) for a wait of `ms`, always with digits only after it. */
export function floodWaitTypeForMs(ms: number, prefix = 'FLOOD_WAIT'): string {
  // Never coerce: an object whose `toString` is not a function would throw here.
  return `${prefix}_${(typeof ms === 'number' ? floodWaitSecondsOf(ms / 1000) : undefined) ?? 0}`
}
