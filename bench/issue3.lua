-- wrk script for bench/issue3.sh: counts responses whose status is not 200
-- (a redirect to /login would otherwise pass as success) and prints the
-- latency distribution as one JSON line starting with "ISSUE3 ".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  first_bad = 0
end

function response(status, headers, body)
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
    'ISSUE3 {"requests":%d,"duration_us":%d,"rps":%.1f,"non200":%d,"first_non200_status":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"mean_us":%.1f,"stdev_us":%.1f,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), bad, first,
    e.connect + e.read + e.write, e.timeout, latency.mean, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
