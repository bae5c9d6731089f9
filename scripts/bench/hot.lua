-- POST /v1/rate for one client id: every request hits the same bucket.
wrk.method = "POST"
wrk.path = "/v1/rate"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"client_id":"bench-hot-client","tokens":1}'
