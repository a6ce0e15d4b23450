-- The requests of bench/votes.py, made by wrk (bench/_harness.py says why wrk).
--
--   wrk -t1 -c32 -d300s -s bench/votes_load.lua http://127.0.0.1:PORT -- MODE [DATA]
--
-- MODE: trivial | votes. DATA (votes): the file bench/votes.py writes, one line a vote in
-- the order to send them: the voter's session key, a tab, the entry's ref. `votes` sends
-- each line once and stops at the last answer (bench/_wrk_once.lua).
-- bench/_wrk_report.lua prints the line bench/votes.py reads.

local CSRF = "0123456789abcdef0123456789abcdef"
TRIVIAL = "/healthz"

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
  if args[1] == "votes" then once = { requests = read_data(args[2]) } end
end

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or ""
dofile(here .. "_wrk_once.lua")
dofile(here .. "_wrk_report.lua")
