-- wrk script for bench/vector-benchmark.sh: POSTs Upstash Vector queries, one JSON body per line of the file
-- QUERIES, in turn, with the index's token TOKEN. Prints "RESULT <requests/s> <p50 ms> <errors>" at the end.
local bodies = {}
for line in io.lines(os.getenv("QUERIES")) do
  bodies[#bodies + 1] = line
end
local next = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
wrk.headers["Content-Type"] = "application/json"

request = function()
  next = next % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next])
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.3f %d\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, errors))
end
