-- Closures, upvalues, varargs, recursion, goto, integer for loops.
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c1(), c2())
local fns = {}
for i = 1, 5 do fns[i] = function() return i * i end end
print(fns[1](), fns[3](), fns[5]())
local function shared()
  local v = 0
  return function() v = v + 1; return v end, function() return v end
end
local inc, get = shared()
inc(); inc()
print(get())
local function va(...)
  local n = select("#", ...)
  return n, select(2, ...)
end
print(va(1, nil, 3))
print(va())
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib(20)", fib(20))
local function tailsum(n, acc) if n == 0 then return acc end return tailsum(n - 1, acc + n) end
print("tail calls", tailsum(100000, 0))
local function compose(f, g) return function(...) return f(g(...)) end end
local add1 = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
print(compose(add1, dbl)(5), compose(dbl, add1)(5))
local function map(f, t) local r = {} for i, v in ipairs(t) do r[i] = f(v) end return r end
print(table.concat(map(dbl, { 1, 2, 3, 4 }), " "))
do
  local i = 1
  ::top::
  if i <= 3 then io.write("goto", i, " "); i = i + 1; goto top end
  print()
end
for i = 10, 1, -3 do io.write(i, " ") end
print()
local env = { print = print, x = 5 }
local chunk = load("x = x * 2; return x", "chunk", "t", env)
print(chunk(), env.x)
print(load("return ...")(7, 8))
local f = string.dump(function(a) return a * 3 end)
print(load(f, "dumped", "b")(14))
