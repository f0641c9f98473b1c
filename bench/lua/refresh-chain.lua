-- Refresh token rotation (RFC 6749 6, rotated on every use): every request presents an unused refresh token and
-- every 200 answer gives its successor, which joins the pool; so each request rotates one token, and none is
-- ever presented twice (a reuse would revoke its family).
--   BENCH_LUA_OUT=file wrk -t1 -s refresh-chain.lua URL -- FILE BODY_PREFIX BODY_SUFFIX [HEADER: VALUE ...]
-- done() writes the tokens still unused to BENCH_LUA_OUT, the pool the next run starts from. Tokens in flight
-- when wrk stops are dropped (their successors are never read), so each run shrinks the pool by up to -c.
-- If the pool runs dry, a never-issued token is sent (an honest 400) and counted.
pool, head, tail, empty, failed = {}, 1, 0, 0, 0
statuses, sample = {}, ""
local prefix, suffix

function init(args)
  wrk.method = "POST"
  prefix, suffix = args[2], args[3]
  for a = 4, #args do
    local name, value = args[a]:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
  for line in io.lines(args[1]) do
    if line ~= "" then
      tail = tail + 1
      pool[tail] = line
    end
  end
end

function request()
  local token
  if head > tail then
    empty = empty + 1
    token = "never-issued"
  else
    token = pool[head]
    pool[head] = nil
    head = head + 1
  end
  return wrk.format(nil, nil, nil, prefix .. token .. suffix)
end

function response(status, headers, body)
  local next = status == 200 and body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if next then
    tail = tail + 1
    pool[tail] = next
  else
    failed = failed + 1
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
    if sample == "" then sample = body:sub(1, 300) end
  end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_LUA_OUT"), "w"))
  local left = 0
  for _, t in ipairs(threads) do
    local p, h, tl = t:get("pool"), t:get("head"), t:get("tail")
    for k = h, tl do
      if p[k] then
        out:write(p[k], "\n")
        left = left + 1
      end
    end
    local st = {}
    for k, v in pairs(t:get("statuses")) do table.insert(st, string.format('"%s":%d', k, v)) end
    io.write(string.format('bench-lua: {"left":%d,"empty":%d,"failed":%d,"statuses":{%s},"sample":"%s"}\n',
      left, t:get("empty"), t:get("failed"), table.concat(st, ","), (t:get("sample"):gsub('[%c"\\]', " "))))
  end
  out:close()
end
