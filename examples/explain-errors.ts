/**
 * `npm start` (until the simulated cluster demo lands): parses a handful of real errors the way
 * they arrive from Telegram and prints what the library makes of them.
 */
import { FloodError, RpcError, SeeOtherError } from '../src/index.js'

const samples: Array<[code: number, message: string]> = [
  [420, 'FLOOD_WAIT_30'],
  [420, 'FLOOD_PREMIUM_WAIT_5'],
  [303, 'USER_MIGRATE_2'],
  [303, 'FILE_MIGRATE_4'],
  [400, 'PHONE_NUMBER_INVALID'],
  [400, 'FILE_PART_7_MISSING'],
  [401, 'AUTH_KEY_UNREGISTERED'],
  [-503, 'Timeout'],
]

for (const [code, message] of samples) {
  const error = RpcError.from(code, message)
  const extra =
    error instanceof FloodError
      ? `wait ${error.seconds} s`
      : error instanceof SeeOtherError
        ? `repeat on DC ${error.dcId} (${error.migrateKind} migration)`
        : ''
  console.log(`${error.name.padEnd(20)} ${error.category.padEnd(12)} ${error.message}${extra ? `  -> ${extra}` : ''}`)
}
