-- One-time request headers (DPoP proofs): each request carries the next unused line of a file, once, as a header.
--   wrk -t1 -s one-time-header.lua URL -- FILE HEADER_NAME BODY [HEADER: VALUE ...]
-- Like one-time.lua: run with one thread; requests are prebuilt in init(); past the end of the file it sends a
-- header value the server never accepts (a 400, non-2xx) and done() reports how many, so the run is not a figure.
reqs, n, i, exhausted = {}, 0, 0, 0
local bogus

local function headersWith(name, value)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  h[name] = value
  return h
end

function init(args)
  wrk.method = "POST"
  for a = 4, #args do
    local name, value = args[a]:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
  for line in io.lines(args[1]) do
    if line ~= "" then
      n = n + 1
      reqs[n] = wrk.format(nil, nil, headersWith(args[2], line), args[3])
    end
  end
  bogus = wrk.format(nil, nil, headersWith(args[2], "never-issued"), args[3])
end

function request()
  i = i + 1
  if i > n then
    exhausted = exhausted + 1
    return bogus
  end
  return reqs[i]
end

statuses, sample = {}, ""
function response(status, headers, body)
  if status ~= 200 then
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
    if sample == "" then sample = body:sub(1, 300) end
  end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    local used, total, ex = t:get("i"), t:get("n"), t:get("exhausted")
    local st = {}
    for k, v in pairs(t:get("statuses")) do table.insert(st, string.format('"%s":%d', k, v)) end
    io.write(string.format('bench-lua: {"sent":%d,"available":%d,"exhausted":%d,"statuses":{%s},"sample":"%s"}\n',
      used, total, ex, table.concat(st, ","), (t:get("sample"):gsub('[%c"\\]', " "))))
  end
end
