import { authPolicy } from './auth-policy.js'
import { floodGatePolicy } from './flood-gate-policy.js'
import { floodPolicy } from './flood-policy.js'
import { inputPolicy } from './input-policy.js'
import { migratePolicy } from './migrate-policy.js'
import type { Policy } from './policy.js'
import { retryPolicy } from './retry-policy.js'

/**
 * The default chain, in the order policies are consulted:
 *
 * 1. `floodGate` (before each send): first, so that nothing, repeats included, is sent into an
 *    open window.
 * 2. `migrate`: a redirect decides where everything else happens, and a 303 is never anything else.
 * 3. `auth`: after migrate, whose DC choice tells home from elsewhere; before retry, so the 406
 *    AUTH_KEY_DUPLICATED ends the session instead of being retried as an unknown code.
 * 4. `flood`, 5. `input`: each owns one category (420, 400).
 * 6. `retry`: last, the catch-all for 500s, unknown codes and network failures that no specific
 *    policy claimed.
 *
 * The deadline, the abort signal and `close()` are not policies: they belong to the call itself, and
 * a chain without them would not be bounded. The circuit breaker is opt-in (`{ breaker }`): it
 * changes what callers see during an outage (fast failures instead of backoff). All tuning is on `createInvoker` and per call, so the
 * policies are plain shared objects. Returns a new array: reorder it, filter it by `name`, or add
 * policies of your own.
 */
export function defaultPolicies(options: DefaultPoliciesOptions = {}): Policy[] {
  const { breaker } = options
  return breaker === undefined
    ? [floodGatePolicy, migratePolicy, authPolicy, floodPolicy, inputPolicy, retryPolicy]
    : [floodGatePolicy, breaker, migratePolicy, authPolicy, floodPolicy, inputPolicy, retryPolicy]
}

/** Optional policies {@link defaultPolicies} places where they belong. */
export interface DefaultPoliciesOptions {
  /**
   * A circuit breaker per DC (`createBreakerPolicy()`), placed right after `floodGate`: it must see
   * every failure before a policy claims it, and it never claims one itself.
   */
  readonly breaker?: Policy
}
