/**
 * The Lua scripts behind shared pacing: GCRA with reservations, over several limits at once.
 *
 * Each limit keeps one number in Redis, its theoretical arrival time (TAT), in ms on Redis's own
 * clock (`TIME`), so the processes' clocks never matter; the key expires when the TAT passes,
 * because from then on a missing key and a stale one book the same slot. With T = period / count
 * and tolerance tau = (burst - 1) * T, a reservation takes
 * `slot = max(now, max over limits of (TAT - tau))`, then moves every TAT to `max(TAT, slot) + T`,
 * and answers the delay `slot - now`. Numbers cross the wire as decimal strings, because Redis
 * truncates a Lua number to an integer and T is rarely whole (1000 / 30).
 */

/**
 * Reserve. KEYS: one per limit. ARGV: T and tau of each limit in KEYS order, ms (decimal strings).
 * Returns `{ delay, tat1, tat2, ... }` as strings: the delay from now to the slot, and each limit's
 * TAT after the booking (which `release` compares, to give back only the last booking).
 */
export const RESERVE_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local tats = {}
local slot = now
for i = 1, #KEYS do
  tats[i] = tonumber(redis.call('GET', KEYS[i]))
  if tats[i] ~= nil then
    local start = tats[i] - tonumber(ARGV[2 * i])
    if start > slot then slot = start end
  end
end
local reply = { string.format('%.3f', slot - now) }
for i = 1, #KEYS do
  local tat = tats[i]
  if tat == nil or tat < slot then tat = slot end
  tat = tat + tonumber(ARGV[2 * i - 1])
  local text = string.format('%.3f', tat)
  redis.call('SET', KEYS[i], text, 'PX', math.max(1, math.ceil(tat - now)))
  reply[i + 1] = text
end
return reply
`

/**
 * Lua: `give_back(key, spacing, tatAfter)` steps one GCRA limit back by its spacing if its TAT is
 * still the one the booking left (`tatAfter`, as the reserve script returned it), and returns 1;
 * a limit booked again since keeps its place (0). Needs `now` in scope. Both release scripts (this
 * one and the calendar's) use it.
 */
export const GIVE_BACK = `
local function give_back(key, spacing, tatAfter)
  local current = redis.call('GET', key)
  if current ~= tatAfter then return 0 end
  local tat = tonumber(current) - tonumber(spacing)
  if tat > now then
    redis.call('SET', key, string.format('%.3f', tat), 'PX', math.max(1, math.ceil(tat - now)))
  else
    redis.call('DEL', key)
  end
  return 1
end
`

/**
 * Release. KEYS: the limits the booking moved. ARGV: T of each, then the TAT each had right after
 * the booking (as `RESERVE_SCRIPT` returned it), in KEYS order. A limit whose TAT has moved since
 * was booked again by someone else: giving the slot back there would hand a later send a slot
 * already taken, so it is left alone. Returns how many limits gave the slot back.
 */
export const RELEASE_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
${GIVE_BACK}
local n = #KEYS
local given = 0
for i = 1, n do given = given + give_back(KEYS[i], ARGV[i], ARGV[n + i]) end
return given
`
