-- Sending a fixed list of requests through wrk exactly once, then stopping at the last
-- answer (`dofile` it from a bench's script; bench/votes_load.lua, tickets_load.lua and
-- tipline_load.lua do). wrk sends for a duration, not a number of requests; a burst that
-- must happen once (every vote, every registration, every report) sets `once` in its
-- `init` and `-d` becomes only a cap. Without `once` the script sends `GET TRIVIAL` back to
-- back, the baseline. wrk's requests, duration and latency histogram are then the list's
-- alone: a connection that finds nothing left waits out the run instead of padding it.
--
--   once = { requests = { wrk.format(...), ... }, on_answer = function(status, body) end }

local ffi = require("ffi")
ffi.cdef [[
int getpid(void);
int kill(int pid, int sig);
]]

local SIGINT = 2
-- Longer than any run: a connection waiting this long sends nothing more before the end.
local PARK_MS = 24 * 3600 * 1000
local reserved, sent, answered = 0, 0, 0

-- wrk asks delay() before each request a connection sends: one of the list is reserved
-- here, and a connection finding none left is parked.
function delay()
  if once == nil then return 0 end
  if reserved == #once.requests then return PARK_MS end
  reserved = reserved + 1
  return 0
end

function request()
  if once == nil then return wrk.format("GET", TRIVIAL) end
  -- wrk calls request() once before the run, with no delay() before it, only to check
  -- that the request parses; it is not sent, so it takes nothing off the list.
  if reserved == 0 then return once.requests[1] end
  sent = sent + 1
  return once.requests[sent]
end

function response(status, headers, body)
  count_status(status)  -- bench/_wrk_report.lua
  if once == nil then return end
  if once.on_answer then once.on_answer(status, body) end
  answered = answered + 1
  if answered == #once.requests then
    -- The thread stops at once; wrk's main thread sleeps out -d whatever its threads do,
    -- unless interrupted as by Ctrl-C, after which it reports as usual.
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end
