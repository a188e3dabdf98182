/**
 * Parses a handful of real Telegram errors and explains each: what it means, what to do, and what
 * an end user could be told. Run with `npm run example:explain`.
 */
import { explain, RpcError, userMessageFor } from 'mtproto-errors'

const samples: ReadonlyArray<readonly [code: number, message: string]> = [
  [420, 'FLOOD_WAIT_30'],
  [303, 'USER_MIGRATE_2'],
  [400, 'PHONE_NUMBER_INVALID'],
  [400, 'FILE_PART_7_MISSING'],
  [401, 'AUTH_KEY_UNREGISTERED'],
  [-503, 'Timeout'],
]

for (const [code, message] of samples) {
  const error = RpcError.from(code, message)
  const explanation = explain(error)
  const values = Object.entries(explanation.values).map(([name, value]) => `${name}=${value}`)
  console.log(
    `${error.code} ${error.errorMessage}  (${error.name}${explanation.known ? '' : ', not in the catalogue'})`,
  )
  console.log(`  meaning:   ${explanation.summary}`)
  if (values.length > 0) console.log(`  params:    ${values.join(', ')}`)
  console.log(
    `  action:    ${explanation.action}${explanation.scope ? ` (limit counted per ${explanation.scope})` : ''}`,
  )
  if (explanation.field) console.log(`  field:     ${explanation.field}`)
  console.log(`  tell user: ${userMessageFor(error)}`)
  console.log()
}
