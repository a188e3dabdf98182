import { NetworkError } from '../../recovery/errors.js'
import { PASS, type Policy, STOP } from '../../recovery/policy.js'

/**
 * The client was disconnected on purpose (`client.disconnect()`): GramJS's own message, and no
 * retry, since repeating cannot help until the application connects again.
 */
export class ClientDisconnectedError extends Error {
  /** Builds the error with GramJS's wording. */
  constructor() {
    super('Cannot send requests while disconnected. Please reconnect.')
    this.name = 'ClientDisconnectedError'
  }
}

/** Ends a call at once when its client was disconnected on purpose; placed before the retry policy. */
export const disconnectedPolicy: Policy = {
  name: 'gramjsDisconnected',
  onFailure(call, failure) {
    if (!(failure instanceof NetworkError && failure.cause instanceof ClientDisconnectedError)) return PASS
    call.annotate(failure, { giveUpReason: 'not-retryable' })
    return STOP
  },
}
