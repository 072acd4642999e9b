-- wrk script for bench/issue3.sh: POST /login as the demo reader, again and
-- again. Argument: the CSRF token (cookie value = form field). Counts 303
-- (signed in) against anything else and prints one JSON line "ISSUE3 {...}".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local token = args[1]
  body = "_csrf=" .. token .. "&email=leser%40demo.etterlev.no&password=Demo-passord-2026"
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "etterlev_csrf=" .. token,
  }
  non200 = 0
  first_bad = 0
end

function request()
  return wrk.format("POST", "/login", headers, body)
end

function response(status, headers, body)
  if status ~= 303 then
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
  -- "non200" here counts responses other than 303 (for the shared parser).
  io.write(string.format(
    'ISSUE3 {"requests":%d,"duration_us":%d,"rps":%.1f,"non200":%d,"first_non200_status":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"mean_us":%.1f,"stdev_us":%.1f,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), bad, first,
    e.connect + e.read + e.write, e.timeout, latency.mean, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
