-- wrk script for bench/web.py: GET one path after another from a list (search pages, material
-- pages, or /healthz from a one-line file), each request as the next member in a list of
-- session cookies, so that no cache can stand in for the work and no member reads more than
-- their share (full-text reads are limited per member: 60 an hour by default).
--
--   wrk -t2 -c32 -d15s -s bench/web_paths.lua URL PATHS_FILE COOKIES_FILE THREADS
--
-- PATHS_FILE holds one request path per line, already percent-encoded (/materials/17,
-- /search?q=%E6%B3%95); COOKIES_FILE one Cookie header value per line (gw_session=...), one per
-- member. Every wrk thread walks both lists in order, each from its own offset (thread i of n
-- starts at i/n of each list): the threads do not ask for the same page at the same time,
-- consecutive requests come from different members, and over a run every member sends
-- requests / members of them, give or take one per thread. A path and a member advance
-- together, so with list lengths that differ a member does not see the same path each lap.
-- response() counts every status (wrk only counts those above 399, all together): it makes wrk
-- hand each response to Lua, a little wrk CPU, the price of seeing 429s and redirects.
-- done() prints one line, "WRK_JSON {...}", that bench/web.py parses; latencies are in µs.

local threads = {}
local paths, n, i = {}, 0, 1
local cookies, m, j = {}, 0, 1
statuses = {} -- status -> responses, per thread (a global: done() reads it with thread:get)

function setup(thread)
   thread:set("thread_index", #threads)
   threads[#threads + 1] = thread
end

local function read_lines(name, what)
   local file = assert(io.open(name, "r"), "cannot open the " .. what .. " file " .. tostring(name))
   local out = {}
   for line in file:lines() do
      if #line > 0 then
         out[#out + 1] = line
      end
   end
   file:close()
   assert(#out > 0, "the " .. what .. " file is empty")
   return out
end

function init(args)
   paths = read_lines(args[1], "paths")
   cookies = read_lines(args[2], "cookies")
   n, m = #paths, #cookies
   local total = tonumber(args[3]) or 1
   local t = thread_index or 0
   i = math.floor(n * t / total) % n + 1
   j = math.floor(m * t / total) % m + 1
end

function request()
   local path, cookie = paths[i], cookies[j]
   i = i % n + 1
   j = j % m + 1
   return wrk.format("GET", path, { Cookie = cookie })
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counts = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses") or {}) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(counts) do
      parts[#parts + 1] = string.format('"%d":%d', status, count)
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"duration_us":%d,"requests":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"statuses":{%s},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
      summary.duration, summary.requests, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      table.concat(parts, ","),
      latency.min, latency.mean, latency.stdev,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max))
end
