-- wrk script: POST /v1/rate for one client id, taken from the CLIENT_ID environment variable.
--   CLIENT_ID=bench-3 wrk -t2 -c32 -d10s --latency -s scripts/bench/rate.lua http://127.0.0.1:8091/v1/rate
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"client_id": "' .. (os.getenv("CLIENT_ID") or "bench-0") .. '", "tokens": 1}'
