import type { CatalogEntry, FloodScope, RecommendedAction } from '../catalog/index.js'

const ACTION_TEXT: Readonly<Record<RecommendedAction, string>> = {
  wait: 'wait params.seconds, then repeat the call',
  'wait-or-pay': 'wait params.seconds or pay params.stars, then repeat the call',
  migrate: 'repeat the call on DC params.dcId',
  reauthorize: 'the authorization is gone: log in again',
  'login-step': 'a step of the login flow: ask the user, then continue',
  'fix-input': 'fix the input, then call again',
  'refresh-file-reference': 'fetch a fresh file reference, then repeat',
  'reupload-file-part': 'upload the missing part params.part, then repeat',
  retry: 'transient: repeat with backoff',
  'do-not-retry': 'repeating will not help',
  report: 'a server-side failure: report it to Telegram',
}

const SCOPE_TEXT: Readonly<Record<FloodScope, string>> = {
  account: 'the whole account',
  method: 'this account calling this method',
  peer: 'this account acting on this chat or user',
  phone: 'the phone number, whatever the account',
}

/** The recommended action in words, for people reading the CLI's output. */
export function actionText(action: RecommendedAction): string {
  return `${action} (${ACTION_TEXT[action]})`
}

/** What a flood limit is counted against, in words. */
export function scopeText(entry: Pick<CatalogEntry, 'scope'>): string | undefined {
  return entry.scope === undefined ? undefined : `${entry.scope} (counted against ${SCOPE_TEXT[entry.scope]})`
}
