import type { Policy } from '../recovery/policy.js'

/**
 * `policies` with `extra` placed just before the catch-all retry policy, which would otherwise
 * claim the failure first (or last, when the chain has no retry policy). Mutates and returns it.
 */
export function insertBeforeRetry(policies: Policy[], extra: Policy): Policy[] {
  const retry = policies.findIndex((policy) => policy.name === 'retry')
  policies.splice(retry < 0 ? policies.length : retry, 0, extra)
  return policies
}
