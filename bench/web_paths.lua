-- wrk script for bench/web.py: GET one path after another from a list (search pages, material
-- pages, or /healthz from a one-line file), so no cache can stand in for the work.
--
--   wrk -t2 -c32 -d15s -s bench/web_paths.lua -H 'Cookie: gw_session=...' URL PATHS_FILE THREADS
--
-- PATHS_FILE holds one request path per line, already percent-encoded (/materials/17, /search?q=%E6%B3%95).
-- Every wrk thread walks the whole list in order, starting at its own offset (thread i of n
-- starts at i/n of the list), so the threads do not ask for the same page at the same time.
-- The session cookie comes from -H and is sent with every request (wrk.format adds wrk.headers).
-- No response() callback: it would make wrk hand every body to Lua and cost wrk CPU. wrk counts
-- responses with a status above 399 in summary.errors.status.
-- done() prints one line, "WRK_JSON {...}", that bench/web.py parses; latencies are in µs.

local threads = 0
local paths = {}
local n = 0
local i = 1

function setup(thread)
   thread:set("thread_index", threads)
   threads = threads + 1
end

function init(args)
   local file = assert(io.open(args[1], "r"), "cannot open the paths file " .. tostring(args[1]))
   for line in file:lines() do
      if #line > 0 then
         n = n + 1
         paths[n] = line
      end
   end
   file:close()
   assert(n > 0, "the paths file is empty")
   local total = tonumber(args[2]) or 1
   i = math.floor(n * (thread_index or 0) / total) % n + 1
end

function request()
   local path = paths[i]
   i = i % n + 1
   return wrk.format("GET", path)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"duration_us":%d,"requests":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
      summary.duration, summary.requests, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.stdev,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max))
end
