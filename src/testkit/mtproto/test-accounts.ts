/**
 * The MTProto cluster's ready-made accounts, as on Telegram's test servers: phones `99966XYYYY`
 * live on DC X and sign in with the code X five times; one bot per DC. Plain functions with no
 * dependency, so `mtproto-errors/testkit` can export them without loading the MTProto server.
 */

const TEST_PHONE = /^\+?99966(\d)(\d{4})$/
/** Bot accounts are numbered from here, one per DC: 7000002 lives on DC 2. */
export const BOT_ID_BASE = 7_000_000
/** Test phone accounts are numbered from here: 99966XYYYY is 1000000 + XYYYY. */
export const USER_ID_BASE = 1_000_000

/** A test phone number homed on `dcId`; `n` (1..9999) tells accounts on one DC apart. */
export function testPhone(dcId: number, n = 1): string {
  return `99966${dcId}${String(n).padStart(4, '0')}`
}

/** The login code the MTProto cluster accepts for a test phone (`22222` on DC 2); throws for any other number. */
export function testLoginCode(phone: string): string {
  const match = TEST_PHONE.exec(phone)
  if (!match) throw new RangeError(`${phone} is not a test phone (99966XYYYY)`)
  return (match[1] as string).repeat(5)
}

/** The token of the test bot homed on `dcId`. */
export function testBotToken(dcId: number): string {
  return `${BOT_ID_BASE + dcId}:testkit-bot-homed-on-dc-${dcId}`
}

/**
 * The world's account name for a test phone (as in `cluster.world` and its violations), or
 * undefined for a number that is no test phone.
 */
export function testAccountOf(phone: string): string | undefined {
  const parts = testPhoneParts(phone)
  return parts === undefined ? undefined : String(USER_ID_BASE + Number(`${parts.dcId}${parts.suffix}`))
}

/** A test phone's home DC and the four digits after it, or undefined. */
export function testPhoneParts(phone: string): { dcId: number; suffix: string } | undefined {
  const match = TEST_PHONE.exec(phone)
  return match ? { dcId: Number(match[1]), suffix: match[2] as string } : undefined
}

/** The DC a bot token (from {@link testBotToken}) is homed on, or NaN. */
export function dcOfBotToken(token: string): number {
  return Number(/-dc-(\d+)$/.exec(token)?.[1])
}
