import { messageObject, messagesObject, userObject } from '../world-objects.js'
import { type AnswerTable, error, self } from './answer.js'

/** Private messages between test accounts, kept per pair. */
export const MESSAGE_ANSWERS: AnswerTable = {
  'messages.sendMessage': (context) => {
    const user = self(context)
    const { state, call, nowSeconds } = context
    const target = state.peerUser(call.params.peer, user)
    if (!target) return error(400, 'PEER_ID_INVALID')
    const text = String(call.params.message)
    if (text === '') return error(400, 'MESSAGE_EMPTY')
    const sent = state.store(user, target, text, nowSeconds, true)
    if (target !== user) state.store(target, user, text, nowSeconds, false)
    const pts = state.advancePts(user)
    const users = [userObject(user, true, nowSeconds)]
    if (target !== user) users.push(userObject(target, false, nowSeconds))
    // The full `updates` form (not updateShortSentMessage): both clients match the new message to
    // the request through updateMessageID's random_id.
    return {
      result: {
        _: 'updates',
        updates: [
          { _: 'updateMessageID', id: sent.id, randomId: call.params.randomId },
          { _: 'updateNewMessage', message: messageObject(sent), pts, ptsCount: 1 },
        ],
        users,
        chats: [],
        date: nowSeconds,
        seq: 0,
      },
    }
  },
  'messages.getHistory': (context) => {
    const user = self(context)
    const { state, call, nowSeconds } = context
    const target = state.peerUser(call.params.peer, user)
    if (!target) return error(400, 'PEER_ID_INVALID')
    const limit = Number(call.params.limit)
    const messages = [...state.historyOf(user, target)].reverse().slice(0, limit > 0 ? limit : 100)
    const users = [userObject(user, true, nowSeconds)]
    if (target !== user) users.push(userObject(target, false, nowSeconds))
    return { result: messagesObject(messages, users) }
  },
}
