/** What a flood window was counted against, as a metric label. */
export type FloodScopeLabel = 'account' | 'method' | 'peer' | 'phone' | 'params'

const VALUED = /^(peer|phone|params)=/

/**
 * Reads the scope back from a flood key in the default format (`account|*`, `account|method`,
 * `account|method|scope=value`; the account is escaped, so its first `|` ends it), so the label
 * says what was actually recorded, user overrides included. A key in another format counts as
 * `method`, keeping the label set closed.
 */
export function scopeOfKey(key: string): FloodScopeLabel {
  const afterAccount = key.indexOf('|') + 1
  if (key.slice(afterAccount) === '*') return 'account'
  const afterMethod = key.indexOf('|', afterAccount) + 1
  if (afterMethod === 0) return 'method'
  const match = VALUED.exec(key.slice(afterMethod))
  return match === null ? 'method' : (match[1] as FloodScopeLabel)
}
