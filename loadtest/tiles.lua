-- wrk script for tiled's load test: each thread walks a shuffled list of tile paths from its own random offset.
--
--   wrk -c N -d 5s -s tiles.lua URL -- PATHS PREFIX SUFFIX gzip|identity
--
-- PATHS holds one "z/x/y" per line; each request is PREFIX .. z/x/y .. SUFFIX, with Accept-Encoding: gzip for
-- "gzip". No response() callback: wrk then skips parsing headers into Lua, which would cost it more than the
-- fastest servers spend per request. done() prints one RESULT line that loadtest/run.sh parses.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  prefix, suffix = args[2] or "/", args[3] or ""
  if args[4] == "gzip" then
    wrk.headers["Accept-Encoding"] = "gzip"
  end
  math.randomseed(os.time() * 1000 + (tid or 1))
  idx = math.random(#paths)
end

function request()
  idx = idx % #paths + 1
  return wrk.format("GET", prefix .. paths[idx] .. suffix)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d errors=%d non2xx=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
