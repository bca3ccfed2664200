-- Errors: error/pcall/xpcall, error objects, levels, nested handlers,
-- runtime errors, errors across coroutines, to-be-closed variables.
print(pcall(error, "plain"))
print(pcall(error, "lvl0", 0))
print(pcall(function() error("with position") end))
local okt, et = pcall(function() error({ code = 42 }) end)
print(okt, type(et), et.code)
local ok, e = pcall(function() error(setmetatable({}, { __tostring = function() return "custom" end })) end)
print(ok, tostring(e))
print(pcall(function() local x = nil; return x.field end))
print(pcall(function() return 1 + {} end))
print(pcall(function() return #5 end))
print(pcall(function() return ("x"):bad() end))
print(pcall(string.rep))
print(pcall(string.format, "%d", "x"))
print(select("#", pcall(error)))
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
-- Nested pcall: the inner error is caught inside, the outer survives.
print(pcall(function()
  local ok1, e1 = pcall(error, "inner")
  error("outer after " .. tostring(ok1) .. " " .. e1, 0)
end))
-- Unwinding through many frames.
local function deep(n) if n == 0 then error("bottom", 0) end return deep(n - 1) + 1 end
print(pcall(deep, 150))
-- Overflowing the C stack (nested pcalls, each a C call and a setjmp) is
-- a catchable error, thrown through every level.
local depth = 0
local function nest()
  depth = depth + 1
  local okn, en = pcall(nest)
  if not okn then error(en, 0) end
end
local okc, ec = pcall(nest)
print(okc, ec, depth > 100)
-- Errors in coroutines and across resume.
local co = coroutine.wrap(function() error("from coroutine", 0) end)
print(pcall(co))
-- Many protected calls in a loop (each one a setjmp/longjmp pair).
local caught = 0
for i = 1, 2000 do
  local okn = pcall(function() if i % 2 == 0 then error(i) end return i end)
  if not okn then caught = caught + 1 end
end
print("caught", caught)
-- To-be-closed variables run on error.
local closes = {}
local function closer(name) return setmetatable({}, { __close = function(_, err) closes[#closes + 1] = name .. ":" .. tostring(err) end }) end
print(pcall(function()
  local a <close> = closer("a")
  local b <close> = closer("b")
  error("tbc", 0)
end))
print(table.concat(closes, " "))
-- assert, error with non-string values, tostring of error results.
print(pcall(assert, false, "assert message"))
print(pcall(assert, nil))
print(pcall(assert, 1, 2))
print(pcall(error, 12), pcall(error, nil))
-- Syntax errors from load are values, not aborts.
print(load("x = = 1", "bad"))
print(pcall(load("error('in loaded chunk')", "=loaded")))
