import { RpcError } from './src/index.js'

const msgs = Array.from({ length: 4096 }, (_, i) =>
  i % 3 === 0 ? `FLOOD_WAIT_${i % 97}` : i % 3 === 1 ? 'PHONE_NUMBER_INVALID' : 'USER_MIGRATE_2',
)
let s: unknown
for (let i = 0; i < 2e7; i++) s = RpcError.from(420, msgs[i & 4095]!)
console.log(typeof s)
