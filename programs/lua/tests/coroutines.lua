-- Coroutines: generators, passing values, status, wrap, errors inside.
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local acc = {}
for v in gen(5) do acc[#acc + 1] = v end
print(table.concat(acc, " "))
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "end", d + e
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co), coroutine.resume(co))
local bad = coroutine.create(function() error("inside") end)
print(coroutine.resume(bad))
print(coroutine.status(bad))
print(coroutine.isyieldable(), select(2, coroutine.running()))
-- Producer/consumer through a filter, 1000 items.
local function producer()
  return coroutine.create(function()
    for i = 1, 1000 do coroutine.yield(i) end
  end)
end
local function filter(p)
  return coroutine.create(function()
    while true do
      local _, v = coroutine.resume(p)
      if v == nil then return end
      if v % 3 == 0 then coroutine.yield(v) end
    end
  end)
end
local f = filter(producer())
local total, n = 0, 0
while true do
  local _, v = coroutine.resume(f)
  if v == nil then break end
  total = total + v; n = n + 1
end
print("filtered", n, total)
local closed = coroutine.create(function() coroutine.yield() end)
coroutine.resume(closed)
print(coroutine.close(closed), coroutine.status(closed))
