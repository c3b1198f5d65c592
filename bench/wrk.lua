-- wrk script of the reseau-api benchmark: rotates over a list of request paths (one per line, file
-- given after `--`), counts responses with status >= 400 and body bytes, and prints one JSON line
-- (prefixed BENCH_JSON) with the totals and the latency distribution when done.
--   wrk -t2 -c16 -d20s --latency -s bench/wrk.lua http://127.0.0.1:8000 -- paths.txt

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local paths = {}
local counter = 0
responses = 0
errors = 0
body_bytes = 0
first_error = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  -- threads start at different places of the list, so they do not ask the same thing in lockstep
  counter = ((thread_number - 1) * 7919) % #paths
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
  responses = responses + 1
  if status >= 400 then
    errors = errors + 1
    if first_error == 0 then first_error = status end
  end
  if body then body_bytes = body_bytes + #body end
end

function done(summary, latency, requests)
  local total_responses, total_errors, total_bytes, first = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    total_responses = total_responses + thread:get("responses")
    total_errors = total_errors + thread:get("errors")
    total_bytes = total_bytes + thread:get("body_bytes")
    local status = thread:get("first_error")
    if first == 0 and status ~= 0 then first = status end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"responses":%d,"errors_status":%d,' ..
    '"first_error_status":%d,"body_bytes":%d,"socket_errors":{"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, total_responses, total_errors, first, total_bytes,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
