--[[
OpenClaw token bucket: charge tokens granted while the global store was
unreachable to the global bucket, exactly once per batch id.

KEYS[1]  bucket hash (fields l, t, c; see decide.lua)
KEYS[2]  marker set of batch ids already applied to this bucket; the caller
         gives it the same hash tag as KEYS[1] so both share a slot
ARGV[1]  BATCH_ID       opaque string, unique per charge
ARGV[2]  CHARGE         micro-tokens to take from the bucket, >= 0
ARGV[3]  CAP            capacity, micro-tokens
ARGV[4]  GRACE          grace, micro-tokens, >= 0 (not used by the charge
                        itself; passed so both scripts take the same bucket)
ARGV[5]  NUM            refill rate NUM/DEN micro-tokens per microsecond
ARGV[6]  DEN
ARGV[7]  TTL_MS         expiry set on the bucket after writing it; 0 = none
ARGV[8]  FLOOR          lowest level the charge may push the bucket to,
                        micro-tokens (negative, e.g. -CAP)
ARGV[9]  MARKER_TTL_MS  expiry of the marker set; 0 = none

Returns {1, l, c, now} when the charge was applied: the level and carry
after it and the bucket's time (as in decide.lua); {0, l} when BATCH_ID had
already been applied, l being the stored level (CAP if the bucket does not
exist), and nothing is changed.

The refill before the charge is the same as in decide.lua. A charge never
raises the level: a bucket already below FLOOR stays where it is. The caller
guarantees (CAP - min(FLOOR, -GRACE)) * DEN + 2 * NUM < 2^52.
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

-- Refill up to `now`; identical to decide.lua.
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

local batch = ARGV[1]
if not batch or batch == '' then
  return redis.error_reply('ERR openclaw: empty batch id (ARGV[1])')
end
local charge = arg_int(2, 'CHARGE', 0)
local cap    = arg_int(3, 'CAP', 0)
arg_int(4, 'GRACE', 0)
local num    = arg_int(5, 'NUM', 0)
local den    = arg_int(6, 'DEN', 1)
local ttl    = arg_int(7, 'TTL_MS', 0)
local floor  = arg_int(8, 'FLOOR', -4503599627370495)
local mttl   = arg_int(9, 'MARKER_TTL_MS', 0)

if redis.call('SISMEMBER', KEYS[2], batch) == 1 then
  return {0, tonumber(redis.call('HGET', KEYS[1], 'l')) or cap}
end

local now = now_us()
local l0, t0, c0 = load(KEYS[1], cap, den, now)
local l, t, c = refill(l0, t0, c0, now, cap, num, den)
if l >= floor then
  l = math.max(l - charge, floor)
end

redis.call('SADD', KEYS[2], batch)
if mttl > 0 then redis.call('PEXPIRE', KEYS[2], mttl) end
redis.call('HSET', KEYS[1], 'l', int(l), 't', int(t), 'c', int(c))
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, l, c, t}
