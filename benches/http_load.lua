-- wrk script: each request searches one of the bench queries in turn, with
-- snippets and facets, as the search page does.
--   wrk -t2 -c20 -d30s --latency -s benches/http_load.lua http://127.0.0.1:7700
local queries = {}
for line in io.lines("benches/queries.txt") do
  if line ~= "" and line:sub(1, 1) ~= "#" then
    queries[#queries + 1] = line
  end
end
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local n = 0
request = function()
  n = n + 1
  local q = queries[(n % #queries) + 1]
  return wrk.format("GET", "/api/search?q=" .. encode(q) .. "&limit=10")
end
