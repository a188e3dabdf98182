/**
 * Bookkeeping fields GramJS puts on every TL object. `originalArgs` repeats the arguments as given
 * (before peers are resolved, with a fresh `randomId` each time), so leaving it in would give every
 * call a key of its own and let a recorded flood window hold back nothing.
 */
export const GRAMJS_TL_META: ReadonlySet<string> = new Set([
  'CONSTRUCTOR_ID',
  'SUBCLASS_OF_ID',
  'className',
  'classType',
  'originalArgs',
  'flags',
  'flags2',
])

/**
 * The parameters of a GramJS request as the engine sees them (flood keys, reports): its own TL
 * fields, without GramJS's bookkeeping. Nested TL objects stay as they are; their keys are stable.
 */
export function paramsOf(request: object): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  const fields = request as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (value !== undefined && !GRAMJS_TL_META.has(key)) params[key] = value
  }
  return params
}
