import { ACCOUNT_CALL, ANY_AUTHORIZED_DC, ANYONE, fail, type MethodTable, ok, text } from './method-spec.js'

const PHONE = /^\+?\d{5,15}$/

/** `auth.*`: signing in by phone or bot token, and carrying an authorization to another DC. */
export const AUTH_METHODS: MethodTable = {
  'auth.sendCode': {
    ...ANYONE,
    run: (state, call) => {
      const redirect = state.networkMigrations[call.dcId]
      if (redirect !== undefined) return fail(303, `NETWORK_MIGRATE_${redirect}`)
      const phone = text(call.params, 'phone_number') ?? ''
      if (!PHONE.test(phone)) return fail(400, 'PHONE_NUMBER_INVALID')
      const owner = state.accountByPhone(phone.replace(/^\+/, ''))
      if (owner === undefined) return fail(400, 'PHONE_NUMBER_UNOCCUPIED')
      if (owner[1].homeDcId !== call.dcId) return fail(303, `PHONE_MIGRATE_${owner[1].homeDcId}`)
      return ok({ phoneCodeHash: `hash-${phone}` })
    },
  },
  'auth.signIn': {
    ...ANYONE,
    run: (state, call) => {
      const phone = (text(call.params, 'phone_number') ?? '').replace(/^\+/, '')
      const code = text(call.params, 'phone_code') ?? ''
      if (!PHONE.test(phone)) return fail(400, 'PHONE_NUMBER_INVALID')
      if ((text(call.params, 'phone_code_hash') ?? '') === '') return fail(400, 'PHONE_CODE_HASH_EMPTY')
      if (code === '') return fail(400, 'PHONE_CODE_EMPTY')
      const owner = state.accountByPhone(phone)
      if (owner === undefined) return fail(400, 'PHONE_NUMBER_UNOCCUPIED')
      if (owner[1].homeDcId !== call.dcId) return fail(303, `PHONE_MIGRATE_${owner[1].homeDcId}`)
      if (code !== (owner[1].loginCode ?? state.loginCode)) return fail(400, 'PHONE_CODE_INVALID')
      state.authorize(owner[0], call.dcId)
      return ok({ account: owner[0] })
    },
  },
  'auth.exportAuthorization': {
    ...ACCOUNT_CALL,
    run: (state, call) => {
      const dcId = Number(call.params.dc_id)
      // Exporting to the DC the call is on is refused too: there is nothing to import there.
      if (!state.dcIds.includes(dcId) || dcId === call.dcId) return fail(400, 'DC_ID_INVALID')
      return ok({ id: 1, bytes: state.issueExportToken(call.account as string, dcId) })
    },
  },
  'auth.importAuthorization': {
    ...ANYONE,
    run: (state, call) => {
      const account = state.redeemExportToken(String(call.params.bytes), call.dcId)
      if (account === undefined) return fail(400, 'AUTH_BYTES_INVALID')
      state.authorize(account, call.dcId)
      return ok({ account })
    },
  },
  'auth.importBotAuthorization': {
    ...ANYONE,
    run: (state, call) => {
      const bot = state.accountByBotToken(text(call.params, 'bot_auth_token') ?? '')
      if (bot === undefined) return fail(401, 'ACCESS_TOKEN_INVALID')
      // A bot signs in on its own DC only; the client is told where that is.
      if (bot[1].homeDcId !== call.dcId) return fail(303, `USER_MIGRATE_${bot[1].homeDcId}`)
      state.authorize(bot[0], call.dcId)
      return ok({ account: bot[0] })
    },
  },
  'auth.logOut': {
    ...ANY_AUTHORIZED_DC,
    run: (state, call) => {
      state.deauthorize(call.account as string, call.dcId)
      return ok(true)
    },
  },
}
