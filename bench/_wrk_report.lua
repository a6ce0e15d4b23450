-- What every bench's wrk script shares (`dofile` it at the end of the script): status
-- counts per thread and the one line `RESULT {json}` that bench/_harness.py's `wrk_result`
-- reads. A script with a `response` of its own calls `count_status(status)` from it.

codes = {}

function count_status(status)
  codes[status] = (codes[status] or 0) + 1
end

if response == nil then
  response = function(status, headers, body) count_status(status) end
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("codes")) do merged[status] = (merged[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(merged) do parts[#parts + 1] = '"' .. status .. '": ' .. n end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout,
    table.concat(parts, ", ")))
end
