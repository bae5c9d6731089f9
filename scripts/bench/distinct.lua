-- POST /v1/rate for a new client id on every request (many cold and warm buckets).
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

request = function()
  counter = counter + 1
  local body = string.format('{"client_id":"bench-%d-%d","tokens":1}', thread_id, counter % 100000)
  return wrk.format("POST", "/v1/rate", {["Content-Type"] = "application/json"}, body)
end
