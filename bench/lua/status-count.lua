-- One fixed request, as request.lua, counting every answer by status: wrk -s status-count.lua URL -- METHOD BODY [HEADER: VALUE ...]
-- For floods whose answers are refusals by design (the wrong-secret scenario: 401 after a PBKDF2, 429 without one).
function init(args)
  wrk.method = args[1] or "GET"
  if args[2] and args[2] ~= "" then wrk.body = args[2] end
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
end

statuses = {}
function response(status, headers, body)
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    local st = {}
    for k, v in pairs(t:get("statuses")) do table.insert(st, string.format('"%s":%d', k, v)) end
    io.write(string.format('bench-lua: {"counted":{%s}}\n', table.concat(st, ",")))
  end
end
