-- The requests of bench/tipline.py, made by wrk (bench/_harness.py says why wrk).
--
--   wrk -t1 -c16 -d600s -s bench/tipline_load.lua http://127.0.0.1:PORT -- MODE [DATA]
--
-- MODE: trivial | intake. DATA (intake): the file bench/tipline.py writes, one line a
-- report in the order to send them: its JSON body, proof of work included, on one line
-- (JSON escapes newlines and tabs), sent as it is. `intake` files each report once and
-- stops at the last answer (bench/_wrk_once.lua). The first few answers other than 201 go
-- to stderr as they come, to say why; bench/_wrk_report.lua prints the line
-- bench/tipline.py reads.

TRIVIAL = "/tickets/public-key"
-- Refusals printed: a few say why, more would say nothing new.
local SHOW_REFUSED = 5
local refused = 0

local function read_data(path)
  local out = {}
  for line in io.lines(path) do
    out[#out + 1] = wrk.format("POST", "/api/tipline/reports", {
      ["Content-Type"] = "application/json",
    }, line)
  end
  return out
end

local function show_refusal(status, body)
  if status ~= 201 and refused < SHOW_REFUSED then
    refused = refused + 1
    io.stderr:write("refused: ", status, " ", body:sub(1, 300), "\n")
  end
end

function init(args)
  if args[1] == "intake" then
    once = { requests = read_data(args[2]), on_answer = show_refusal }
  end
end

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or ""
dofile(here .. "_wrk_once.lua")
dofile(here .. "_wrk_report.lua")
