import { ACCOUNT_CALL, fail, type MethodTable, ok, text } from './method-spec.js'

/** Sending and reading messages, the flood-limited calls of most workloads. */
export const MESSAGE_METHODS: MethodTable = {
  'messages.sendMessage': {
    ...ACCOUNT_CALL,
    run: (state, call) => {
      const message = text(call.params, 'message') ?? ''
      if (message.trim() === '') return fail(400, 'MESSAGE_EMPTY')
      if (message.length > 4096) return fail(400, 'MESSAGE_TOO_LONG')
      return ok({ id: state.takeMessageId() })
    },
  },
  'channels.sendSlowMessage': {
    ...ACCOUNT_CALL,
    run: (state) => ok({ id: state.takeMessageId() }),
  },
  'messages.getHistory': { ...ACCOUNT_CALL, run: () => ok({ messages: [] }) },
}
