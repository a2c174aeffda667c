-- bench/mcp-call.lua: the one request of the benchmark, for wrk.
--
-- POST of a JSON-RPC tools/call of "add" {a: 2, b: 3} (stateless: no
-- Mcp-Session-Id), with Accept: application/json, text/event-stream and a
-- bearer token, to the URL given to wrk.  Environment (bench/run sets it):
--
--   BENCH_TOKEN        the token (every request the same one), or
--   BENCH_TOKENS       a file of tokens, one a line: the requests cycle
--                      through them, each wrk thread through its own share
--                      (thread i takes lines i, i+T, i+2T, ...)
--   BENCH_WRK_THREADS  T, the wrk -t value (for the shares)
--   BENCH_METHOD       POST (default), or GET for the static file baseline
--                      (same headers, no body)
--
-- Every request is built once, in init(); request() only picks the next
-- one.  done() prints one machine-readable line for bench/run:
--   BENCH_RESULT requests=N duration_us=N p50_us=N p99_us=N status_errors=N
--                connect=N read=N write=N timeout=N
local body = '{"jsonrpc":"2.0","id":1,"method":"tools/call",'
          .. '"params":{"name":"add","arguments":{"a":2,"b":3}}}'

local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  local method = os.getenv("BENCH_METHOD") or "POST"
  local nthreads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  local tokens = {}
  local file = os.getenv("BENCH_TOKENS")
  if file and file ~= "" then
    for line in io.lines(file) do
      if #line > 0 then tokens[#tokens + 1] = line end
    end
  else
    tokens[1] = os.getenv("BENCH_TOKEN") or ""
  end
  local first = (thread_id or 0) % nthreads + 1
  if first > #tokens then first = 1 end
  requests = {}
  for i = first, #tokens, nthreads do
    local headers = {
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json, text/event-stream",
    }
    if tokens[i] ~= "" then headers["Authorization"] = "Bearer " .. tokens[i] end
    requests[#requests + 1] = wrk.format(method, nil, headers,
                                         method == "POST" and body or nil)
  end
  count = #requests
  at = 0
end

function request()
  at = at + 1
  if at > count then at = 1 end
  return requests[at]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d "
    .. "status_errors=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.status, e.connect, e.read, e.write, e.timeout))
end
