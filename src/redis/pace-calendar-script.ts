import { GIVE_BACK, PRELUDE } from './pace-script.js'

/**
 * The Lua scripts behind calendar bookings (see src/flood/pace-calendar.ts), one run per send.
 *
 * The GCRA limits keep their theoretical arrival time as RESERVE_SCRIPT keeps it (pace-script.ts).
 * The calendar limit keeps two keys under the same hash tag: its frontier (a decimal string: every
 * slot before it is taken) and a sorted set of the slots booked beyond it (member and score: the
 * slot, ms on Redis's clock). A send takes the first slot at or after its GCRA slot and the
 * frontier that lies at least a spacing from every slot booked ahead; a slot that leaves less than
 * a spacing before the frontier's next one joins the frontier. The walk over the slots booked
 * ahead reads them a page at a time and stops after PAGES pages (a run of over a thousand slots
 * booked back to back): the send then goes after the last one, later than need be but never into
 * a taken slot. Times are ms on Redis's own `TIME`; numbers cross as decimal strings (see
 * pace-script.ts for why); two slots within EPSILON of a spacing apart count as a spacing apart.
 */

const SHARED = `${PRELUDE}
local EPSILON = 0.002
local function text(ms) return string.format('%.3f', ms) end
`

/**
 * Reserve. KEYS: each GCRA limit, then the calendar's frontier and its sorted set. ARGV[1]: how
 * many GCRA limits; ARGV[2]: the longest delay to book, ms (negative: no bound); ARGV[3]: the
 * calendar's spacing; ARGV[4]: the span the send takes on it (the spacing times the messages it
 * counts as; a send of several goes after every slot booked and moves the frontier past its span);
 * then T and tau of each GCRA limit. Returns `{ delay, booked, now, mark,
 * tat1, ... }` as strings: `booked` is `0` when the slot lay past the bound (nothing written);
 * `mark` is how `release` finds the calendar slot again (`ahead:<slot>`, `frontier:<slot>:<frontier
 * after>`, or `none` when the frontier took slots booked ahead in and cannot be given back).
 */
export const CALENDAR_RESERVE_SCRIPT = `${SHARED}
local hard = tonumber(ARGV[1])
local maxDelay = tonumber(ARGV[2])
local spacing = tonumber(ARGV[3])
local span = tonumber(ARGV[4])
local frontierKey = KEYS[hard + 1]
local aheadKey = KEYS[hard + 2]
local slot = now
local tats = {}
for i = 1, hard do
  tats[i] = tonumber(redis.call('GET', KEYS[i]))
  if tats[i] ~= nil then
    local start = tats[i] - tonumber(ARGV[4 + 2 * i])
    if start > slot then slot = start end
  end
end
local function join(frontier)
  for _ = 1, 64 do
    local first = redis.call('ZRANGE', aheadKey, 0, 0)[1]
    if first == nil or tonumber(first) >= frontier + spacing - EPSILON then break end
    if tonumber(first) + spacing > frontier then frontier = tonumber(first) + spacing end
    redis.call('ZREM', aheadKey, first)
  end
  return frontier
end
local frontier = tonumber(redis.call('GET', frontierKey))
if frontier == nil or frontier < now then frontier = now end
frontier = join(frontier)
if frontier > slot then slot = frontier end
local several = span > spacing + EPSILON
local settled = several
for _ = 1, 16 do
  if settled then break end
  local page = redis.call('ZRANGEBYSCORE', aheadKey, '(' .. text(slot - spacing + EPSILON), '+inf', 'LIMIT', 0, 64)
  for _, member in ipairs(page) do
    local at = tonumber(member)
    if at >= slot + spacing - EPSILON then settled = true break end
    slot = at + spacing
  end
  if #page < 64 then settled = true end
end
if several or not settled then
  local last = redis.call('ZRANGE', aheadKey, -1, -1)[1]
  if last ~= nil and tonumber(last) + spacing > slot then slot = tonumber(last) + spacing end
end
if maxDelay >= 0 and slot - now > maxDelay then return { text(slot - now), '0', text(now) } end
local mark
if several or slot < frontier + spacing - EPSILON then
  -- Slots booked ahead that the frontier takes in could not be given back with it.
  local clean = not several or redis.call('ZCARD', aheadKey) == 0
  frontier = join(slot + span)
  if clean and frontier == slot + span then mark = 'frontier:' .. text(slot) .. ':' .. text(frontier) else mark = 'none' end
else
  redis.call('ZADD', aheadKey, text(slot), text(slot))
  mark = 'ahead:' .. text(slot)
end
redis.call('SET', frontierKey, text(frontier), 'PX', expiry(frontier - now))
local last = redis.call('ZRANGE', aheadKey, -1, -1)[1]
if last ~= nil then redis.call('PEXPIRE', aheadKey, expiry(tonumber(last) + spacing - now)) end
local reply = { text(slot - now), '1', text(now), mark }
for i = 1, hard do
  local tat = tats[i]
  if tat == nil or tat < slot then tat = slot end
  tat = tat + tonumber(ARGV[3 + 2 * i])
  reply[4 + i] = text(tat)
  redis.call('SET', KEYS[i], reply[4 + i], 'PX', expiry(tat - now))
end
return reply
`

/**
 * Release. KEYS as for reserve. ARGV[1]: how many GCRA limits; ARGV[2]: the mark reserve returned;
 * then T of each GCRA limit, then the TAT each had right after the booking. A limit moved since
 * (someone booked after) is left alone, by the same `give_back` as RELEASE_SCRIPT; the calendar gives back a slot
 * booked ahead, or a frontier slot while the frontier is still where that booking left it.
 */
export const CALENDAR_RELEASE_SCRIPT = `${SHARED}
${GIVE_BACK}
local hard = tonumber(ARGV[1])
local mark = ARGV[2]
local given = 0
for i = 1, hard do given = given + give_back(KEYS[i], ARGV[2 + i], ARGV[2 + hard + i]) end
local kind, at, after = string.match(mark, '^(%a+):([^:]+):?([^:]*)$')
if kind == 'ahead' then
  given = given + redis.call('ZREM', KEYS[hard + 2], at)
elseif kind == 'frontier' and redis.call('GET', KEYS[hard + 1]) == after then
  if tonumber(at) > now then
    redis.call('SET', KEYS[hard + 1], at, 'PX', expiry(tonumber(at) - now))
  else
    redis.call('DEL', KEYS[hard + 1])
  end
  given = given + 1
end
return given
`
