-- wrk script used by bench/run.py: cycles through pre-built requests read from a file, and
-- prints a machine-readable summary (throughput, latency percentiles, status codes).
--
-- Request file: one request per line, five tab-separated fields:
--   METHOD  PATH  TOKEN  COOKIE  BODY
-- TOKEN (optional) becomes "Authorization: Bearer TOKEN"; COOKIE (optional) the Cookie
-- header (a web session); BODY (optional) is sent as application/json.
--
-- Usage: wrk -t1 -c32 -d20s -s bench/wrk/requests.lua http://127.0.0.1:PORT -- FILE

local requests = {}
local counter = 0
local threads = {}
statuses = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local file = args[1]
   for line in io.lines(file) do
      local method, path, token, cookie, body =
         line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      if method then
         local headers = {}
         if token ~= "" then headers["Authorization"] = "Bearer " .. token end
         if cookie ~= "" then headers["Cookie"] = cookie end
         if body ~= "" then
            headers["Content-Type"] = "application/json"
         else
            body = nil
         end
         requests[#requests + 1] = wrk.format(method, path, headers, body)
      end
   end
   if #requests == 0 then
      error("no requests in " .. tostring(file))
   end
   -- each thread starts at a different place in the list
   math.randomseed(os.time() + #threads)
   counter = math.random(#requests) - 1
end

function request()
   counter = counter % #requests + 1
   return requests[counter]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
   local merged = {}
   for _, thread in ipairs(threads) do
      local s = thread:get("statuses")
      if s then
         for code, n in pairs(s) do
            merged[code] = (merged[code] or 0) + n
         end
      end
   end
   local parts = {}
   for code, n in pairs(merged) do
      parts[#parts + 1] = string.format('"%d": %d', code, n)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"p50": %d, "p75": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, ' ..
      '"statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean,
      table.concat(parts, ", ")))
end
