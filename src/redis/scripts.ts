/**
 * The Lua scripts the Redis flood store runs. Each is one atomic step on the server, so concurrent
 * writers from any number of processes can never shorten a window or miss a change message.
 *
 * Windows cross the wire as durations, and every "now" is Redis's own: a window is a key whose TTL
 * is the time left in it. `PTTL` and `SET ... PX` both count on the server's clock, and the one
 * moment a writer sends (by when its write must run) is on the server's clock too, as the writer
 * measured it; so whether the processes' clocks agree does not matter.
 */

/**
 * Extend-only set. KEYS[1]: the window's key. ARGV[1]: its length from now, ms (a positive
 * integer). ARGV[2]: the change channel. ARGV[3]: the flood key as the engine knows it (no prefix).
 * ARGV[4]: optional, the latest moment, on this server's clock as the writer last measured it, by
 * which the write should have run (send time plus the length plus the command timeout); empty when
 * not measured yet.
 *
 * A write can run long after it was sent: a server paused (SIGSTOP, a long fork) keeps the command
 * in its socket and runs it on waking, when the window may be over. With ARGV[4] such a write only
 * sets what is left of the window, and nothing at all once it has ended. The writer measures the
 * server's clock itself, so processes' clocks still never need to agree.
 *
 * When the key already lives at least as long, nothing changes and nothing is published. Returns
 * the time left in the window Redis now holds, ms, which may be longer than asked; 0 when the
 * write came too late to matter.
 */
export const EXTEND_SCRIPT = `
local want = tonumber(ARGV[1])
local endAt = tonumber(ARGV[4])
if endAt then
  if redis.replicate_commands then pcall(redis.replicate_commands) end
  local t = redis.call('TIME')
  local left = math.floor(endAt - (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)))
  if left < want then want = left end
  if want <= 0 then return 0 end
end
local held = redis.call('PTTL', KEYS[1])
if held >= want then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', want)
redis.call('PUBLISH', ARGV[2], 'set ' .. want .. ' ' .. ARGV[3])
return want
`

/** Delete and tell. KEYS[1]: the window's key. ARGV[1]: the change channel. ARGV[2]: the flood key. */
export const DELETE_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], 'del ' .. ARGV[2])
return 1
`
