--[[
OpenClaw token bucket: decide a batch of requests for one bucket, atomically.

KEYS[1]  bucket hash: l = level (micro-tokens, may be negative down to -GRACE),
         t = last update (microseconds, Redis TIME), c = refill carry in
         units of 1/DEN micro-token, 0 <= c < DEN. A missing key is a full
         bucket (l = CAP, t = now, c = 0).
ARGV[1]  CAP     capacity, micro-tokens (1 token = 1,000,000)
ARGV[2]  GRACE   how far below empty the level may go, micro-tokens, >= 0
ARGV[3]  NUM     refill rate NUM/DEN micro-tokens per microsecond (= tokens/s);
ARGV[4]  DEN     NUM >= 0, DEN >= 1 divides 1,000,000; NUM = 0: never refills
ARGV[5]  TTL_MS  expiry set on the bucket after writing it; 0 = none
ARGV[6..] tokens requested by each request of the batch, in order (integers >= 0)

Returns {now, c, allowed_1, l_1, allowed_2, l_2, ...}: now is the bucket's
time after the refill (Redis TIME in microseconds, or the stored t when the
server clock is behind it), c the carry after the refill, then per request
1/0 for allowed/denied and the level after that request.

All values are integers held in Lua doubles; the caller guarantees
(CAP + GRACE) * DEN + 2 * NUM < 2^52 so every intermediate value is exact.
The refill is done once per batch and is the same math as the Java bucket.
--]]

local MICRO = 1000000

-- Integer argument i, checked to be a plain decimal integer in [min, 2^52).
local function arg_int(i, name, min)
  local s = ARGV[i]
  local v = s and string.match(s, '^%-?%d+$') and tonumber(s)
  if not v or v < min or v >= 4503599627370496 or v <= -4503599627370496 then
    error({err = 'ERR openclaw: bad ' .. name .. ' (ARGV[' .. i .. ']=' .. tostring(s) .. ')'})
  end
  return v
end

-- Floor division of integers a, b (b > 0) that stays exact where a / b in
-- double precision rounds: the quotient is corrected until 0 <= r < b.
local function floor_div(a, b)
  local q = math.floor(a / b)
  local r = a - q * b
  while r < 0 do q = q - 1; r = r + b end
  while r >= b do q = q + 1; r = r - b end
  return q, r
end

-- Ceiling division of integers a, b (b > 0), corrected the same way.
local function ceil_div(a, b)
  local q = math.ceil(a / b)
  local r = q * b - a
  while r < 0 do q = q + 1; r = r + b end
  while r >= b do q = q - 1; r = r - b end
  return q
end

-- Redis time in microseconds.
local function now_us()
  local tm = redis.call('TIME')
  return tonumber(tm[1]) * MICRO + tonumber(tm[2])
end

-- Current state; the 4th result is true when the bucket does not exist.
-- A carry outside [0, DEN) (left by a different rate) is dropped.
local function load(key, cap, den, now)
  local h = redis.call('HMGET', key, 'l', 't', 'c')
  local l = tonumber(h[1])
  if not l then return cap, now, 0, true end
  local t = tonumber(h[2]) or now
  local c = tonumber(h[3]) or 0
  if c < 0 or c >= den then c = 0 end
  return l, t, c, false
end

-- Refill up to `now`. Time never moves backwards: when the clock is behind
-- t (e.g. after a failover) elapsed is 0 and t is kept. The elapsed time is
-- compared with the time needed to fill the bucket before multiplying, so a
-- long idle period cannot overflow.
local function refill(l, t, c, now, cap, num, den)
  local tn = math.max(t, now)
  if num == 0 then return l, tn, c end
  local elapsed = tn - t
  local deficit = (cap - l) * den - c
  if deficit <= 0 then return l, tn, c end
  if elapsed >= ceil_div(deficit, num) then return cap, tn, 0 end
  local q, r = floor_div(elapsed * num + c, den)
  return l + q, tn, r
end

local function int(x) return string.format('%d', x) end

local cap   = arg_int(1, 'CAP', 0)
local grace = arg_int(2, 'GRACE', 0)
local num   = arg_int(3, 'NUM', 0)
local den   = arg_int(4, 'DEN', 1)
local ttl   = arg_int(5, 'TTL_MS', 0)

local now = now_us()
local l0, t0, c0, new = load(KEYS[1], cap, den, now)
local l, t, c = refill(l0, t0, c0, now, cap, num, den)

local out = {t, c}
for i = 6, #ARGV do
  local need = arg_int(i, 'tokens', 0) * MICRO
  local allowed = 0
  if l - need >= -grace then
    l = l - need
    allowed = 1
  end
  out[#out + 1] = allowed
  out[#out + 1] = l
end

if new or l ~= l0 or t ~= t0 or c ~= c0 then
  redis.call('HSET', KEYS[1], 'l', int(l), 't', int(t), 'c', int(c))
  if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
end
return out
