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
 * What every pace script starts with: `now`, ms on Redis's own clock, and `expiry(ms)`, the PX
 * argument for a key that should live `ms`: whole, at least 1, and at most 10^12 (about 31 years,
 * as good as forever), since SET and PEXPIRE refuse a number too large or written with an exponent.
 */
export const PRELUDE = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local function expiry(ms) return string.format('%.0f', math.min(math.max(1, math.ceil(ms)), 1e12)) end
`

/**
 * Lua: `shared_pace(key, member, shrink, growth, keep, refused, taught, measured, basis, wait, joined)`
 * keeps one learned pace per flood key for the fleet (see `SharedPaceRequest` in
 * flood/pace-store.ts) in a hash: `rate` and `ceiling` in sends per second (`ceiling` -1 while no
 * share was measured), `version` (bumped whenever a refusal changes the pace), `endsAt` and
 * `adding` (the discovery episode in which processes' measured shares add up), and one `m:<member>`
 * field per process that added its share. Applies a refusal report (`refused`), or else grows the
 * pace for a booking; returns `{ rate, ceiling, version }`, or nothing while the key has no pace.
 * Every value read back is checked: a hash a tool or an older script wrote is treated as absent.
 * Needs `PRELUDE` in scope.
 */
export const SHARED_PACE = `
local function number_text(value) return string.format('%.17g', value) end
local function sane_rate(value) return value ~= nil and value > 0 and value <= 1e6 end
local function drop_shares(key)
  local fields = redis.call('HKEYS', key)
  for j = 1, #fields do
    if string.sub(fields[j], 1, 2) == 'm:' then redis.call('HDEL', key, fields[j]) end
  end
end
local function sum_of_shares(key)
  local total = 0
  local fields = redis.call('HGETALL', key)
  for j = 1, #fields, 2 do
    local share = tonumber(fields[j + 1])
    if string.sub(fields[j], 1, 2) == 'm:' and sane_rate(share) then total = total + share end
  end
  return total
end
local function shared_pace(key, member, shrink, growth, keep, refused, taught, measured, basis, wait, joined)
  local state = redis.call('HMGET', key, 'rate', 'ceiling', 'version', 'endsAt', 'adding')
  local rate, ceiling = tonumber(state[1]), tonumber(state[2])
  local version, endsAt = tonumber(state[3]) or 0, tonumber(state[4]) or 0
  local adding = state[5] == '1'
  if refused and not sane_rate(taught) then refused = false end
  wait = wait or 0
  if not sane_rate(rate) or ceiling == nil or not (ceiling == -1 or sane_rate(ceiling)) then
    rate = nil
  end
  local changed = false
  if refused then
    if rate == nil then
      -- Only a refusal opens a discovery; a process that merely met a window cannot.
      if joined then return nil end
      -- The key's first lesson opens its discovery: shares measured until the wait ends add up.
      redis.call('DEL', key)
      rate, endsAt, adding, changed = taught, now + wait, true, true
      ceiling = measured and taught or -1
      if measured then redis.call('HSET', key, 'm:' .. member, number_text(taught)) end
    elseif basis == 0 and adding and now < endsAt then
      local before = tonumber(redis.call('HGET', key, 'm:' .. member)) or 0
      if measured and taught > before then
        redis.call('HSET', key, 'm:' .. member, number_text(taught))
        rate = sum_of_shares(key)
        ceiling, changed = rate, true
      end
    elseif basis == version then
      -- Refused while following this very pace: it was too fast for the whole fleet.
      local cap = rate * 0.9
      rate = rate * shrink
      if ceiling == -1 or cap < ceiling then ceiling = cap end
      if ceiling < rate then ceiling = rate end
      endsAt, adding, changed = now + wait, false, true
      drop_shares(key)
    end
  end
  local grown = false
  if not refused and rate ~= nil then
    if ceiling == -1 then rate, grown = math.min(rate * 2, 1e6), true
    elseif rate < ceiling then rate, grown = math.min(ceiling, rate + ceiling * growth), true end
  end
  if rate == nil then return nil end
  if changed then
    version = version + 1
    redis.call('HSET', key, 'rate', number_text(rate), 'ceiling', number_text(ceiling),
      'version', version, 'endsAt', number_text(endsAt), 'adding', adding and '1' or '0')
  elseif grown then
    redis.call('HSET', key, 'rate', number_text(rate))
  end
  redis.call('PEXPIRE', key, expiry(keep))
  return { rate, ceiling, version }
end
`

/**
 * Reserve. ARGV[1] is n, the number of limits. KEYS: the TAT key of each limit, then the shared-pace
 * key of each limit that shares one, in order. ARGV then holds three values per limit, in order: T
 * and tau (ms, decimal strings) and `1` if it shares a pace (else `0`); then four per sharing limit:
 * member, shrink and growth ratios, and keep (ms). A sharing limit books with T = 1000 / rate of
 * its key's shared pace when there is one, and grows that pace (see `SHARED_PACE`).
 * Returns strings: `{ delay, tat1 .. tatn }`, the delay from now to the slot and each limit's TAT
 * after the booking (which `release` compares, to give back only the last booking); then four per
 * limit: the T it was booked with, and its shared pace's rate, ceiling and version ('' if none).
 */
export const RESERVE_SCRIPT = `${PRELUDE}${SHARED_PACE}
local n = tonumber(ARGV[1])
local tats, spacings, paces = {}, {}, {}
local slot = now
local sharing = 0
for i = 1, n do
  local at = 1 + 3 * (i - 1)
  local spacing = tonumber(ARGV[at + 1])
  if ARGV[at + 3] == '1' then
    local o = 1 + 3 * n + 4 * sharing
    sharing = sharing + 1
    local pace = shared_pace(KEYS[n + sharing], ARGV[o + 1], tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3]),
      tonumber(ARGV[o + 4]), false)
    if pace ~= nil then
      paces[i] = pace
      spacing = tonumber(string.format('%.3f', 1000 / pace[1]))
    end
  end
  spacings[i] = spacing
  tats[i] = tonumber(redis.call('GET', KEYS[i]))
  if tats[i] ~= nil then
    local start = tats[i] - tonumber(ARGV[at + 2])
    if start > slot then slot = start end
  end
end
local reply = { string.format('%.3f', slot - now) }
for i = 1, n do
  local tat = tats[i]
  if tat == nil or tat < slot then tat = slot end
  tat = tat + spacings[i]
  local text = string.format('%.3f', tat)
  redis.call('SET', KEYS[i], text, 'PX', expiry(tat - now))
  reply[i + 1] = text
  local pace = paces[i]
  local at = n + 2 + 4 * (i - 1)
  reply[at] = string.format('%.3f', spacings[i])
  reply[at + 1] = pace and number_text(pace[1]) or ''
  reply[at + 2] = pace and number_text(pace[2]) or ''
  reply[at + 3] = pace and tostring(pace[3]) or ''
end
return reply
`

/**
 * Share a refusal. KEYS[1]: the key's shared-pace hash. ARGV: member, shrink and growth ratios, keep
 * (ms), the refusal's rate (per second), `1` if measured, its basis version, its wait (ms), and `1`
 * if the process only met another's window (`joined`).
 * Returns the shared pace after, as strings `{ rate, ceiling, version }`, or an empty list for none.
 */
export const SHARE_SCRIPT = `${PRELUDE}${SHARED_PACE}
local pace = shared_pace(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), true,
  tonumber(ARGV[5]), ARGV[6] == '1', tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9] == '1')
if pace == nil then return {} end
return { number_text(pace[1]), number_text(pace[2]), tostring(pace[3]) }
`

/**
 * Lua: `give_back(key, spacing, tatAfter)` steps one GCRA limit back by its spacing if its TAT is
 * still the one the booking left (`tatAfter`, as the reserve script returned it), and returns 1;
 * a limit booked again since keeps its place (0). Needs `PRELUDE` in scope. Both release scripts (this
 * one and the calendar's) use it.
 */
export const GIVE_BACK = `
local function give_back(key, spacing, tatAfter)
  local current = redis.call('GET', key)
  if current ~= tatAfter then return 0 end
  local tat = tonumber(current) - tonumber(spacing)
  if tat > now then
    redis.call('SET', key, string.format('%.3f', tat), 'PX', expiry(tat - now))
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
export const RELEASE_SCRIPT = `${PRELUDE}${GIVE_BACK}
local n = #KEYS
local given = 0
for i = 1, n do given = given + give_back(KEYS[i], ARGV[i], ARGV[n + i]) end
return given
`
