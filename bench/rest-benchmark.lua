-- wrk script for bench/rest-benchmark.sh: POSTs what @upstash/redis sends (a JSON command, or a /pipeline
-- of ten) with its headers, on random keys of the keyspace redis-benchmark -r 100000 fills.
-- MODE: get | set | pipeline; TOKEN: the bearer token. Prints "RESULT <requests/s> <p50 ms>" at the end.
local mode = os.getenv("MODE") or "get"
local value = string.rep("x", 100)
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Upstash-Encoding"] = "base64"

local function key()
  return string.format("key:%012d", math.random(0, 99999))
end

request = function()
  if mode == "get" then
    return wrk.format(nil, "/", nil, '["GET","' .. key() .. '"]')
  elseif mode == "set" then
    return wrk.format(nil, "/", nil, '["SET","' .. key() .. '","' .. value .. '"]')
  end
  local commands = {}
  for i = 1, 10 do
    commands[i] = '["SET","' .. key() .. '","' .. value .. '"]'
  end
  return wrk.format(nil, "/pipeline", nil, "[" .. table.concat(commands, ",") .. "]")
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.3f %d\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, errors))
end
