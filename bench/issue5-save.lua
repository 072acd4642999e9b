-- wrk script for bench/issue5.sh: every request is a real save of one answer
-- through PUT /api/v1/assessments/{id}/answers/{node} with the version the
-- thread last saw for that node, so optimistic locking passes. Each thread
-- owns its own share of the nodes and cycles through them, so one node is
-- never in flight twice. Prints one JSON line starting with "ISSUE5 ".
-- Arguments: assessment id, thread count, comma-separated node ids, API token,
-- think time in ms between one connection's saves (0: as fast as possible).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  assessment = args[1]
  local nthreads = tonumber(args[2])
  nodes, versions = {}, {}
  local i = 0
  for id in string.gmatch(args[3], "([^,]+)") do
    if i % nthreads == tid then
      table.insert(nodes, id)
      versions[id] = 0
    end
    i = i + 1
  end
  -- wrk.format replaces wrk.headers (-H) when given a table, so the token
  -- and Host travel here.
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[4],
             ["Host"] = wrk.headers["Host"] or wrk.host}
  think = tonumber(args[5] or "0")
  next_index = 0
  non200, first_bad, flips = 0, 0, 0
end

function request()
  next_index = next_index % #nodes + 1
  local node = nodes[next_index]
  flips = flips + 1
  local status = (flips % 2 == 0) and "implemented" or "partly"
  local body = string.format('{"status":"%s","maturity":%d,"comment":"bench","version":%d}',
    status, flips % 6, versions[node])
  return wrk.format("PUT", "/api/v1/assessments/" .. assessment .. "/answers/" .. node,
    headers, body)
end

function delay()
  -- A person saves, reads, thinks: each connection waits this long between
  -- its saves (wrk measures latency from sending, so waiting is not counted).
  if think > 0 then return math.random(math.floor(think / 2), math.floor(think * 3 / 2)) end
  return 0
end

function response(status, headers, body)
  local node = body:match('"node_id":"([^"]+)"')
  local version = body:match('"version":(%d+)')
  if node and version then versions[node] = tonumber(version) end
  if status ~= 200 then
    non200 = non200 + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non200")
    local f = t:get("first_bad")
    if first == 0 and f ~= 0 then first = f end
  end
  local e = summary.errors
  io.write(string.format(
    'ISSUE5 {"requests":%d,"duration_us":%d,"rps":%.1f,"non200":%d,"first_non200_status":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), bad, first,
    e.connect + e.read + e.write, e.timeout, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
