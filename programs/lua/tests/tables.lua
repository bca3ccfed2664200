-- Tables: arrays, hashes, sort, metatables, table library.
local t = {}
for i = 1, 1000 do t[i] = (i * 7919) % 1009 end
table.sort(t)
print(#t, t[1], t[500], t[1000])
table.sort(t, function(a, b) return a > b end)
print(t[1], t[2], t[1000])
local s = {}
for i = 1, 10 do table.insert(s, i) end
table.insert(s, 1, 0)
print(table.remove(s), table.remove(s, 1), #s, table.concat(s, " "))
print(table.unpack({ 1, 2, 3 }), select("#", table.unpack({ 1, nil, 3 }, 1, 3)))
local moved = table.move({ 1, 2, 3, 4, 5 }, 2, 4, 1)
print(table.concat(moved, ","))
local packed = table.pack(1, nil, 3)
print(packed.n, packed[1], packed[2], packed[3])
local h = {}
for i = 1, 500 do h["k" .. i] = i end
local sum, count = 0, 0
for _, v in pairs(h) do sum = sum + v; count = count + 1 end
print(count, sum, h.k250, h.missing)
h.k250 = nil
count = 0
for _ in pairs(h) do count = count + 1 end
print(count, next({}), rawlen({ 1, 2 }), rawequal(h, h))
-- Metatables: arithmetic, comparison, index, call, tostring, len.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a:len2() < b:len2() end
V.__le = function(a, b) return a:len2() <= b:len2() end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
V.__len = function() return 2 end
V.__call = function(v, k) return v.x * k end
function V:len2() return self.x * self.x + self.y * self.y end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), a == vec(1, 2), a < b, b <= a, #a, a(10))
local defaults = setmetatable({}, { __index = function(_, k) return k .. "!" end })
print(defaults.foo, rawget(defaults, "foo"))
local log = {}
local proxy = setmetatable({}, { __newindex = function(t2, k, v) log[#log + 1] = k; rawset(t2, k, v) end })
proxy.a = 1; proxy.b = 2; proxy.a = 3
print(table.concat(log, ","), proxy.a)
-- Weak tables and the collector.
local weak = setmetatable({}, { __mode = "k" })
weak[{}] = 1
collectgarbage()
local n = 0
for _ in pairs(weak) do n = n + 1 end
print("weak entries after collect", n)
