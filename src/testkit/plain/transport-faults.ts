import type { TransportFaults } from '../cluster.js'

/**
 * Transport faults of the plain cluster: the two drops both clusters know, and the plain protocol's
 * own, each a probability per answer in [0, 1] (drawn from the cluster's seeded generator, so a run
 * can be repeated).
 */
export interface PlainTransportFaults extends TransportFaults {
  /** Answer late, by up to `slowMs`. */
  readonly slowRate?: number
  /** The most a slow answer is held, in ms (default 200). */
  readonly slowMs?: number
  /** Write half of the answer's frame, then close. */
  readonly halfFrameRate?: number
  /** Send a frame of random bytes instead of the answer, then close. */
  readonly garbageRate?: number
  /** Wrap the answer (result or error) in gzip_packed. */
  readonly gzipRate?: number
}

/** What happens to one answer. */
export type AnswerFault = 'drop-answer' | 'half-frame' | 'garbage' | undefined

/** Chooses the fault for one answer from one roll, each rate a band of [0, 1). */
export function chooseAnswerFault(faults: PlainTransportFaults, roll: number): AnswerFault {
  const drop = faults.dropAnswerRate ?? 0
  const half = drop + (faults.halfFrameRate ?? 0)
  const garbage = half + (faults.garbageRate ?? 0)
  if (roll < drop) return 'drop-answer'
  if (roll < half) return 'half-frame'
  if (roll < garbage) return 'garbage'
  return undefined
}
