-- The requests of bench/tickets.py, made by wrk (bench/_harness.py says why wrk).
--
--   wrk -t1 -c32 -d240s -s bench/tickets_load.lua http://127.0.0.1:PORT -- MODE [DATA]
--
-- MODE: trivial | rush. DATA (rush): the file bench/tickets.py writes: the offering's
-- registrations path on the first line, then one line a person in the order to send them,
-- its session key. `rush` registers each person once and stops at the last answer
-- (bench/_wrk_once.lua). bench/_wrk_report.lua prints the line bench/tickets.py reads.

local CSRF = "0123456789abcdef0123456789abcdef"
TRIVIAL = "/tickets/public-key"

local function read_data(path)
  local out, url = {}, nil
  for line in io.lines(path) do
    if url == nil then
      url = line
    else
      out[#out + 1] = wrk.format("POST", url, {
        ["Content-Type"] = "application/json",
        ["X-CSRFToken"] = CSRF,
        ["Cookie"] = "sessionid=" .. line .. "; csrftoken=" .. CSRF,
      }, "{}")
    end
  end
  return out
end

function init(args)
  if args[1] == "rush" then once = { requests = read_data(args[2]) } end
end

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or ""
dofile(here .. "_wrk_once.lua")
dofile(here .. "_wrk_report.lua")
