-- The requests of bench/votes.py, made by wrk (Debian's `wrk`, a load client in C): a
-- Python client on the same two cores spent more of them than the server's trivial view
-- and capped it at a quarter of what it serves, which flattered every ratio against it.
--
--   wrk -t1 -c32 -d300s -s bench/votes_load.lua http://127.0.0.1:PORT -- MODE [DATA]
--
-- MODE: trivial | votes. DATA (votes): the file bench/votes.py writes, one line a vote in
-- the order to send them: the voter's session key, a tab, the entry's ref. `votes` sends
-- each line once, then stops wrk as soon as the last one is answered, so that wrk's
-- requests, duration and latencies are the votes' alone (-d is only a cap).
-- bench/_wrk_report.lua prints the line bench/votes.py reads.

local ffi = require("ffi")
ffi.cdef [[
int getpid(void);
int kill(int pid, int sig);
]]

local CSRF = "0123456789abcdef0123456789abcdef"
local SIGINT = 2
-- Longer than any run: a connection waiting this long sends nothing more before the end.
local PARK_MS = 24 * 3600 * 1000
local mode, votes
local reserved, sent, answered = 0, 0, 0

local function read_data(path)
  local out = {}
  for line in io.lines(path) do
    local session, ref = line:match("^([^\t]+)\t(.+)$")
    out[#out + 1] = wrk.format("POST", "/api/showcase/entries/" .. ref .. "/vote", {
      ["X-CSRFToken"] = CSRF,
      ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. CSRF,
    }, "")
  end
  return out
end


function init(args)
  mode = args[1]
  if mode == "votes" then votes = read_data(args[2]) end
end

-- wrk asks delay() before each request a connection sends: a vote is reserved here, and a
-- connection finding none left waits out the run instead of sending anything else.
function delay()
  if mode ~= "votes" then return 0 end
  if reserved == #votes then return PARK_MS end
  reserved = reserved + 1
  return 0
end

function request()
  if mode ~= "votes" then return wrk.format("GET", "/healthz") end
  -- wrk calls request() once before the run, with no delay() before it, only to check
  -- that the request parses; it is not sent, so it takes no vote off the list.
  if reserved == 0 then return votes[1] end
  sent = sent + 1
  return votes[sent]
end

function response(status, headers, body)
  count_status(status)
  if mode ~= "votes" then return end
  answered = answered + 1
  if answered == #votes then
    -- The thread stops at once; wrk's main thread sleeps out -d whatever its threads do,
    -- unless interrupted as by Ctrl-C, after which it reports as usual.
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end

-- Status counts and the RESULT line, beside this script.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "_wrk_report.lua")
