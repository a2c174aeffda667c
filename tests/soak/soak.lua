-- wrk script of the soak test (tests/soak/run.sh): cycles through every
-- (token kind x MCP message) case and classifies each answer.
--
-- Environment (set by run.sh):
--   SOAK_TOKENS  file with one "<kind> <token>" line per token; kinds:
--                valid (several lines), expired, invalid, otheraud
--                ("none" needs no line: no Authorization header)
--   SOAK_RESULT  file that done() writes its counters to, "<key>\t<n>" lines
--   SOAK_HOST    the Host header (127.0.0.1:port)
--   SOAK_CASES   optional Lua pattern: only the cases whose "<kind>/<message>"
--                matches it (e.g. "^valid/ping$", "^none/"), for diagnosis
--
-- wrk calls response() without saying which request it answers (a thread
-- has many connections), so every request carries X-Soak-Case: <n> and
-- Apache echoes it back (mod_headers, "Header always set X-Soak-Case
-- expr=%{req:X-Soak-Case}"), 401s included.  An answer without it is
-- counted as unclassified, which fails the run.

local PROTOCOL = "2025-11-25"

-- MCP messages: the expected status with a valid token, and a piece of
-- the body that a right answer contains (nil: the body must be empty).
local MESSAGES = {
  { name = "initialize", status = 200, proto = false,
    body = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"' .. PROTOCOL .. '","capabilities":{},"clientInfo":{"name":"mod_mcp_auth-soak","version":"1.0.0"}}}',
    expect = '"protocolVersion":"' .. PROTOCOL .. '"' },
  { name = "ping", status = 200,
    body = '{"jsonrpc":"2.0","id":2,"method":"ping"}',
    expect = '"result":{}' },
  { name = "tools/list", status = 200,
    body = '{"jsonrpc":"2.0","id":3,"method":"tools/list"}',
    expect = '"name":"multiply"' },
  { name = "tools/call add", status = 200,
    body = '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}',
    expect = '"structuredContent":{"result":5}' },
  { name = "tools/call multiply", status = 200,
    body = '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"multiply","arguments":{"x":6,"y":7}}}',
    expect = '"structuredContent":{"result":42}' },
  { name = "notification", status = 202,
    body = '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    expect = nil },
  { name = "unknown method", status = 200,
    body = '{"jsonrpc":"2.0","id":6,"method":"no/such/method"}',
    expect = '-32601' },
  { name = "malformed body", status = 400,
    body = '{"jsonrpc":"2.0","id":7,"method":',
    expect = '-32700' },
}

-- What a token kind gets whatever the message: 401 with this reason.
local REJECTED = {
  expired  = "the access token is not active",
  invalid  = "the access token is not active",
  otheraud = "the access token was not issued for this resource",
  none     = "a bearer token is required",
}

local cases = {}       -- [n] = { kind, message, status, expect }
local requests = {}    -- [n] = raw request
local next_case = 1
counts = {}            -- per thread; read by done() through thread:get()

local function bump(key)
  counts[key] = (counts[key] or 0) + 1
end

local only = os.getenv("SOAK_CASES")
if only == "" then only = nil end

local function add_case(kind, token, msg)
  if only and not (kind .. "/" .. msg.name):find(only) then return end
  local n = #cases + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["X-Soak-Case"] = tostring(n),
    ["Host"] = os.getenv("SOAK_HOST"),
  }
  if msg.proto ~= false then headers["MCP-Protocol-Version"] = PROTOCOL end
  if token then headers["Authorization"] = "Bearer " .. token end
  local c = { kind = kind, message = msg.name }
  if kind == "valid" then
    c.status, c.expect = msg.status, msg.expect
  else
    c.status, c.expect = 401, REJECTED[kind]
  end
  cases[n] = c
  requests[n] = wrk.format("POST", wrk.path, headers, msg.body)
end

function init(args)
  local file = os.getenv("SOAK_TOKENS")
  local tokens = { valid = {} }
  for line in io.lines(file) do
    local kind, token = line:match("^(%S+)%s+(%S+)$")
    if kind == "valid" then
      table.insert(tokens.valid, token)
    elseif kind then
      tokens[kind] = token
    end
  end
  assert(#tokens.valid > 0 and tokens.expired and tokens.invalid and tokens.otheraud,
         "SOAK_TOKENS lacks a kind")
  for _, msg in ipairs(MESSAGES) do
    for _, t in ipairs(tokens.valid) do add_case("valid", t, msg) end
    add_case("expired", tokens.expired, msg)
    add_case("invalid", tokens.invalid, msg)
    add_case("otheraud", tokens.otheraud, msg)
    add_case("none", nil, msg)
  end
  assert(#cases > 0, "SOAK_CASES matches no case")
  -- threads start at different places of the cycle
  next_case = ((thread_id or 0) * 29) % #cases + 1
  counts = {}
end

function request()
  local r = requests[next_case]
  next_case = next_case % #requests + 1
  return r
end

local function class(status)
  return tostring(math.floor(status / 100)) .. "xx"
end

function response(status, headers, body)
  bump("total")
  bump("status " .. status)
  local n = tonumber(headers["X-Soak-Case"] or headers["x-soak-case"] or "")
  local c = n and cases[n]
  if not c then
    bump("unclassified")
    bump("unclassified " .. status)
    return
  end
  bump("kind " .. c.kind .. " " .. class(status))
  if c.kind ~= "valid" and status >= 200 and status < 300 then
    bump("passed " .. c.kind)            -- a token that must not pass did
  end
  local ok = status == c.status
  if ok then
    if c.expect then
      ok = body ~= nil and body:find(c.expect, 1, true) ~= nil
    else
      ok = body == nil or #body == 0
    end
    if not ok then bump("wrong body") end
  end
  if not ok then
    bump("unexpected")
    bump("unexpected " .. c.kind .. " / " .. c.message .. " -> " .. status)
  end
end

-- ---- main environment: setup() and done() --------------------------------

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function done(summary, latency, reqs)
  local all = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts") or {}) do
      all[k] = (all[k] or 0) + v
    end
  end
  local e = summary.errors
  all["socket connect"] = e.connect
  all["socket read"] = e.read
  all["socket write"] = e.write
  all["socket timeout"] = e.timeout
  all["wrk requests"] = summary.requests
  all["duration us"] = summary.duration
  all["latency p50 us"] = latency:percentile(50)
  all["latency p99 us"] = latency:percentile(99)
  all["latency max us"] = latency.max

  local keys = {}
  for k in pairs(all) do table.insert(keys, k) end
  table.sort(keys)
  local out = assert(io.open(os.getenv("SOAK_RESULT"), "w"))
  for _, k in ipairs(keys) do
    out:write(k, "\t", string.format("%d", all[k]), "\n")
  end
  out:close()
end
