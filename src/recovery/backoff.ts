/** How retries of transient failures are spaced. All times in milliseconds. */
export interface BackoffOptions {
  /** The first delay. Telegram's official clients start at 1 s. */
  readonly baseDelayMs: number
  /** No delay is longer than this. The official clients cap at 64 s. */
  readonly maxDelayMs: number
}

/**
 * The delay before retry number `retry` (1 for the first retry): `baseDelayMs` doubled per retry,
 * capped at `maxDelayMs`, then spread to between half and one and a half times that value.
 *
 * The official clients double without jitter; after a server-side outage every client then comes
 * back in the same second. The spread keeps the mean schedule of the official clients while
 * scattering the herd. `random` returns numbers in [0, 1) and is injectable for tests.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30)
  const nominal = Math.min(options.baseDelayMs * 2 ** exponent, options.maxDelayMs)
  return Math.min(Math.round(nominal * (0.5 + random())), options.maxDelayMs)
}
