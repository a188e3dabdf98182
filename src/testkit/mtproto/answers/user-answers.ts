import { userFullObject, userObject } from '../world-objects.js'
import { type AnswerTable, error, self } from './answer.js'

/** Users, username lookups and the update state (nothing is ever pushed). */
export const USER_ANSWERS: AnswerTable = {
  'users.getUsers': (context) => {
    const user = self(context)
    const { state, call, nowSeconds } = context
    return {
      result: state.inputUsers(call.params.id, user).map((u) => userObject(u, u === user, nowSeconds)),
    }
  },
  'users.getFullUser': (context) => {
    const user = self(context)
    const { state, call, nowSeconds } = context
    const [target] = state.inputUsers([call.params.id], user)
    if (!target) return error(400, 'USER_ID_INVALID')
    const homeDcId = state.world.homeDcIdOf(String(target.id))
    return { result: userFullObject(target, target === user, nowSeconds, homeDcId) }
  },
  'contacts.resolveUsername': ({ state, call, user, nowSeconds }) => {
    const target = state.userByUsername(String(call.params.username))
    if (!target) return error(400, 'USERNAME_NOT_OCCUPIED')
    return {
      result: {
        _: 'contacts.resolvedPeer',
        peer: { _: 'peerUser', userId: target.id },
        chats: [],
        users: [userObject(target, target === user, nowSeconds)],
      },
    }
  },
  'updates.getState': (context) => ({
    result: {
      _: 'updates.state',
      pts: context.state.ptsOf(self(context)),
      qts: 0,
      date: context.nowSeconds,
      seq: 0,
      unreadCount: 0,
    },
  }),
  // Nothing is ever pushed, so there is never anything a client missed.
  'updates.getDifference': ({ nowSeconds }) => ({
    result: { _: 'updates.differenceEmpty', date: nowSeconds, seq: 0 },
  }),
}
