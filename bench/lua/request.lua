-- One fixed request, built once per thread: wrk -s request.lua URL -- METHOD BODY [HEADER: VALUE ...]
-- An empty BODY sends none. With no request() defined, wrk sends the prebuilt request without calling Lua.
function init(args)
  wrk.method = args[1] or "GET"
  if args[2] and args[2] ~= "" then wrk.body = args[2] end
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
end
