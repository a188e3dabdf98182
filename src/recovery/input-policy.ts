import { isRpcError, type RpcError } from '../error/rpc-error.js'
import { HookError } from './errors.js'
import { type CallContext, type Decision, PASS, type Policy, RETRY, STOP, stopWith } from './policy.js'

function cannotRepair(call: CallContext, error: RpcError): Decision {
  call.annotate(error, { giveUpReason: call.handles('input') ? 'recovery-failed' : 'opted-out' })
  return STOP
}

/** Waits for `work` (a dependency or a repair hook); repeats if it succeeded. */
async function repeatAfter(
  call: CallContext,
  error: RpcError,
  hook: string | undefined,
  work: () => unknown,
  onValue?: (value: unknown) => void,
): Promise<Decision> {
  const settled = await call.settle(work)
  if (settled === undefined) return STOP
  if (settled.ok) {
    onValue?.(settled.value)
    return RETRY
  }
  if (hook === undefined) {
    // The call this one depended on failed: repeating would fail the same way.
    call.annotate(error, { giveUpReason: 'recovery-failed' })
    return STOP
  }
  const failure = isRpcError(settled.error) ? settled.error : new HookError(hook, settled.error, call.method)
  call.annotate(failure, { giveUpReason: 'recovery-failed' })
  return stopWith(failure)
}

/**
 * 400 BAD_REQUEST: never repeated as it is. Three kinds can be repaired, then repeated once:
 * - MSG_WAIT_FAILED / MSG_WAIT_TIMEOUT (calls chained with invokeAfterMsg): once the call named in
 *   the `after` option has fulfilled;
 * - FILE_PART_X_MISSING: after `reuploadFilePart(X)`;
 * - FILE_REFERENCE_EXPIRED: after `refreshFileReference()`, with the parameters it returns.
 * Every other 400 goes to the caller, with the field and end-user message attached by the invoker.
 */
export const inputPolicy: Policy = {
  name: 'input',
  onFailure(call, failure) {
    if (!isRpcError(failure) || failure.category !== 'BAD_REQUEST') return PASS
    const knowledge = call.knowledge(failure)
    const { hooks } = call.invoker
    if (knowledge.afterDependency) {
      const after = call.options?.after
      if (after === undefined || !call.handles('input') || call.count('after') > 1)
        return cannotRepair(call, failure)
      return repeatAfter(call, failure, undefined, () => after)
    }
    if (knowledge.action === 'reupload-file-part') {
      const part = failure.params.part
      const hook = hooks.reuploadFilePart
      if (
        hook === undefined ||
        part === undefined ||
        !call.handles('input') ||
        call.count(`part:${part}`) > 1
      ) {
        return cannotRepair(call, failure)
      }
      return repeatAfter(call, failure, 'reuploadFilePart', () => hook(part, call, { signal: call.signal }))
    }
    if (knowledge.action === 'refresh-file-reference') {
      const hook = hooks.refreshFileReference
      if (hook === undefined || !call.handles('input') || call.count('fileReference') > 1) {
        return cannotRepair(call, failure)
      }
      return repeatAfter(
        call,
        failure,
        'refreshFileReference',
        () => hook(call, { signal: call.signal }),
        (params) => {
          if (params !== undefined) call.params = params
        },
      )
    }
    call.annotate(failure, { giveUpReason: 'not-retryable' })
    return STOP
  },
}
