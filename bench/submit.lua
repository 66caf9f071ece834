-- wrk script: POST /api/v1/responses with a realistic body and a unique UUID per request.
--   wrk -t2 -c16 -d20s -s bench/submit.lua http://127.0.0.1:PORT -- TOKEN NONCE
-- TOKEN: kiosk bearer tokens, comma-separated, used in turn (one per simulated tablet);
--        "-" for none (the ceiling app).
-- NONCE: 8 hex digits, different per run, so ids never repeat across runs.
-- Ids are nonce-thread-random-random-counter: unique by construction (no collisions).
-- Prints one JSON line (prefixed "WRKJSON ") with counts and latency percentiles (µs).

local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   tokens = {}
   for t in string.gmatch(args[1] or "-", "[^,]+") do
      if t ~= "-" then table.insert(tokens, t) end
   end
   nonce = tonumber(args[2] or "0", 16) or 0
   math.randomseed(tid * 7919 + os.time())
   created, duplicate, errors, other = 0, 0, 0, 0
   wrk.method = "POST"
   wrk.path = "/api/v1/responses"
   wrk.headers["Content-Type"] = "application/json"
   headers = {}
   for i, t in ipairs(tokens) do
      headers[i] = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. t}
   end
end

local happy = '"overall":5,"answers":{}'
local unhappy = {
   '"overall":1,"answers":{"reasons":["waiting","attitude"],"on_time":"no"}',
   '"overall":2,"answers":{"reasons":["waiting"],"on_time":"no"}',
   '"overall":3,"answers":{"reasons":["papers"],"on_time":"yes"}',
}

function request()
   counter = counter + 1
   local id = string.format("%08x-%04x-4%03x-8%03x-%012x", nonce, tid,
                            math.random(0, 4095), math.random(0, 4095), counter)
   local rating
   if math.random() < 0.8 then rating = happy else rating = unhappy[math.random(1, 3)] end
   local body = '{"id":"' .. id .. '","channel":"kiosk",' .. rating ..
                ',"duration_ms":' .. math.random(3000, 20000) ..
                ',"created_at":"' .. os.date("!%Y-%m-%dT%H:%M:%S+00:00") .. '"}'
   local h = nil
   if #headers > 0 then h = headers[(counter + tid) % #headers + 1] end
   return wrk.format(nil, nil, h, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   elseif status == 200 then
      duplicate = duplicate + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local c, d, o = 0, 0, 0
   for _, t in ipairs(threads) do
      c = c + t:get("created")
      d = d + t:get("duplicate")
      o = o + t:get("other")
   end
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests":%d,"duration_us":%d,"created":%d,"duplicate":%d,"other_status":%d,' ..
      '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"status_errors":%d,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
      summary.requests, summary.duration, c, d, o, e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      latency.mean))
end
