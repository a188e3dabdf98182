import { ACCOUNT_CALL, fail, type MethodTable, ok, text } from './method-spec.js'

const USERNAME = /^[a-zA-Z][a-zA-Z0-9_]{3,31}$/

/** An account's own data: users, profile, update state, username lookups. */
export const ACCOUNT_METHODS: MethodTable = {
  'users.getUsers': { ...ACCOUNT_CALL, run: (_state, call) => ok([{ id: call.account }]) },
  'updates.getState': { ...ACCOUNT_CALL, run: () => ok({ pts: 1 }) },
  'updates.getDifference': { ...ACCOUNT_CALL, run: () => ok({ empty: true }) },
  'users.getFullUser': { ...ACCOUNT_CALL, run: (_state, call) => ok({ id: call.account }) },
  'account.updateProfile': {
    ...ACCOUNT_CALL,
    run: (_state, call) => {
      const first = text(call.params, 'first_name')
      const last = text(call.params, 'last_name')
      if (first !== undefined && (first.trim() === '' || first.length > 64))
        return fail(400, 'FIRSTNAME_INVALID')
      if (last !== undefined && last.length > 64) return fail(400, 'LASTNAME_INVALID')
      if ((text(call.params, 'about') ?? '').length > 70) return fail(400, 'ABOUT_TOO_LONG')
      return ok({ id: call.account })
    },
  },
  'contacts.resolveUsername': {
    ...ACCOUNT_CALL,
    run: (_state, call) => {
      const username = text(call.params, 'username') ?? ''
      if (!USERNAME.test(username)) return fail(400, 'USERNAME_INVALID')
      if (username.startsWith('nobody')) return fail(400, 'USERNAME_NOT_OCCUPIED')
      return ok({ peer: `user:${username}` })
    },
  },
}
