import { dcOfBotToken } from '../test-accounts.js'
import { longOf, userObject } from '../world-objects.js'
import { type AnswerTable, error, self } from './answer.js'

/**
 * `auth.*`: the world has checked phones, codes, tokens and DCs; these bind the auth key to the
 * account (`authorize`) and build the TL objects.
 */
export const AUTH_ANSWERS: AnswerTable = {
  'auth.sendCode': ({ state, call }) => {
    const user = state.userByPhone(String(call.params.phoneNumber))
    const hash = state.issueCode(user?.phone ?? '', call.dcId)
    return {
      result: { _: 'auth.sentCode', type: { _: 'auth.sentCodeTypeApp', length: 5 }, phoneCodeHash: hash },
    }
  },
  'auth.signIn': ({ state, call, nowSeconds }) => {
    // The hash is this handler's own bookkeeping: the world does not issue it.
    const user = state.userByPhone(String(call.params.phoneNumber))
    if (!user || !state.redeemCode(String(call.params.phoneCodeHash), user.phone ?? '', call.dcId))
      return error(400, 'PHONE_CODE_EXPIRED')
    return {
      result: { _: 'auth.authorization', user: userObject(user, true, nowSeconds) },
      authorize: String(user.id),
    }
  },
  'auth.importBotAuthorization': ({ state, call, nowSeconds }) => {
    const bot = state.bot(dcOfBotToken(String(call.params.botAuthToken)))
    return {
      result: { _: 'auth.authorization', user: userObject(bot, true, nowSeconds) },
      authorize: String(bot.id),
    }
  },
  'auth.exportAuthorization': (context) => {
    // The world's single-use token travels as the exported bytes.
    const token = String((context.value as { bytes: string }).bytes)
    return {
      result: {
        _: 'auth.exportedAuthorization',
        id: longOf(self(context).id),
        bytes: new TextEncoder().encode(token),
      },
    }
  },
  'auth.importAuthorization': ({ state, value, nowSeconds }) => {
    const account = String((value as { account: string }).account)
    const user = state.user(account)
    if (!user) return error(400, 'AUTH_BYTES_INVALID')
    return {
      result: { _: 'auth.authorization', user: userObject(user, true, nowSeconds) },
      authorize: account,
    }
  },
  'auth.logOut': () => ({ result: { _: 'auth.loggedOut' }, authorize: null }),
}
