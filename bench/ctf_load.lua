-- The requests of bench/ctf.py, made by wrk (Debian's `wrk`, a load client in C): a
-- Python client on the same two cores spent more of them than the server's trivial view
-- and capped it at a quarter of what it serves, which flattered every ratio against it.
--
--   wrk -t1 -c16 -d10s -s bench/ctf_load.lua http://127.0.0.1:PORT -- MODE DATA PARITY PACE
--
-- MODE: trivial | signed-in | board | poll | first | warm | submit. DATA: the file
-- bench/ctf.py writes (or - when MODE needs none), a first line of challenge ids, then one line a team: its
-- session key, a tab, and the flags it has not solved yet as `id=flag` joined by `;`.
-- PARITY (submit): 0 or 1, the half of the teams this run uses, so two runs never submit
-- the same correct flag. PACE: 0 for back to back; otherwise each connection waits a
-- random time of this mean (ms, exponential) after each answer, so many connections
-- together offer about a steady rate, as browsers do, instead of saturating the server.
-- bench/_wrk_report.lua prints the line bench/ctf.py reads.

local CSRF = "0123456789abcdef0123456789abcdef"
local SLUG = "bench-ctf"
local mode, teams, challenges, parity, pace
local next_team = 1
local etag = nil

local function read_data(path)
  local out, ids = {}, {}
  for line in io.lines(path) do
    if #ids == 0 then
      for id in line:gmatch("%d+") do ids[#ids + 1] = tonumber(id) end
    else
      local session, flags = line:match("^([^\t]+)\t?(.*)$")
      local unsolved = {}
      for id, flag in flags:gmatch("(%d+)=([^;]+)") do unsolved[#unsolved + 1] = { id, flag } end
      out[#out + 1] = { session = session, unsolved = unsolved }
    end
  end
  return out, ids
end


function init(args)
  mode = args[1]
  if args[2] and args[2] ~= "-" then teams, challenges = read_data(args[2]) end
  parity = tonumber(args[3] or "0")
  pace = tonumber(args[4] or "0")
  math.randomseed(os.time() + parity)
end

local function flag_request(team, id, flag)
  return wrk.format("POST", "/api/ctf/challenges/" .. id .. "/submissions", {
    ["Content-Type"] = "application/json",
    ["X-CSRFToken"] = CSRF,
    ["Cookie"] = "sessionid=" .. team.session .. "; csrftoken=" .. CSRF,
  }, '{"flag": "' .. flag .. '"}')
end

local function wrong(team)
  return flag_request(team, challenges[math.random(#challenges)],
    "flag{wrong_" .. math.random(1000000000) .. "}")
end

function request()
  if mode == "trivial" then return wrk.format("GET", "/api/ctf/time") end
  if mode == "board" then return wrk.format("GET", "/ctf/" .. SLUG .. "/board/") end
  if mode == "poll" then
    -- What the page's htmx poll sends: the rows, with the ETag it last saw.
    local headers = { ["HX-Request"] = "true" }
    if etag then headers["If-None-Match"] = etag end
    return wrk.format("GET", "/ctf/" .. SLUG .. "/board/", headers)
  end
  if mode == "signed-in" then
    -- The floor of any signed-in request: session, user, CSRF and second factor checked,
    -- then a challenge that does not exist (one cache read, 404).
    return flag_request(teams[math.random(#teams)], 999999999, "flag{none}")
  end
  if mode == "first" or mode == "warm" then
    -- Each team once, in order: `first` measures a team's first flag (its session and
    -- team read from the database); `warm` is every team having played a while.
    local team = teams[next_team]
    next_team = next_team + 1
    if next_team > #teams then next_team = 1 end
    return wrong(team)
  end
  -- submit: a random team of this run's half; 10 % of flags right while it has any left.
  local index = 2 * math.random(0, math.floor((#teams - 1 - parity) / 2)) + 1 + parity
  local team = teams[index]
  if math.random() < 0.1 and #team.unsolved > 0 then
    local pick = table.remove(team.unsolved, math.random(#team.unsolved))
    return flag_request(team, pick[1], pick[2])
  end
  return wrong(team)
end

function delay()
  if pace == 0 then return 0 end
  return -math.log(1 - math.random()) * pace
end

function response(status, headers, body)
  count_status(status)
  if mode == "poll" and headers["ETag"] then etag = headers["ETag"] end
end

-- Status counts and the RESULT line, beside this script.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "_wrk_report.lua")
