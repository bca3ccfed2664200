-- Files in the current directory: write, read back by lines, numbers and
-- sizes, seek, append, rename, remove, errors.
-- The result of a failing io/os call without its errno, whose number
-- differs between WASI and Linux (the message does not).
local function result(ok, msg) return ok, msg end
local name = "scratch.txt"
local f = assert(io.open(name, "w"))
for i = 1, 100 do f:write(string.format("line %03d %d\n", i, i * i)) end
f:write(3.5, " ", 42, "\n")
print(f:seek("cur"), f:seek("set", 0), f:seek("end"))
f:close()
print(io.type(f), io.type(io.stdout), io.type(42))
local n, total = 0, 0
for line in io.lines(name) do
  n = n + 1
  local sq = line:match("^line %d+ (%d+)$")
  if sq then total = total + tonumber(sq) end
end
print("lines", n, "sum of squares", total)
f = assert(io.open(name, "r"))
print(f:read("l"))
print(f:read(4), f:read("n"), f:read("n"))
f:seek("set", 12 * 100)
print(f:read("n", "n"))
print(f:read("a") == "\n", f:read("a"), f:read("l"))
f:close()
local a = assert(io.open(name, "a"))
a:write("appended\n")
a:close()
local all = assert(io.open(name, "rb")):read("a")
print(#all, all:sub(-9, -2))
print(result(os.rename(name, "renamed.txt")))
print(result(io.open(name, "r")))
print(result(os.remove("renamed.txt")))
print(result(os.remove("renamed.txt")))
print(result(io.open("no/such/dir/file.txt", "w")))
print(pcall(io.lines, "missing.txt"))
-- The committed data file, read with io.read through io.input.
io.input("data.txt")
local header = io.read("l")
local nums = {}
while true do
  local x = io.read("n")
  if not x then break end
  nums[#nums + 1] = x
end
io.input():close()
io.input(io.stdin)
local s = 0
for _, x in ipairs(nums) do s = s + x end
print(header, #nums, s)
-- A bigger file: 64 KiB written in chunks and read back whole.
local big = assert(io.open("big.bin", "wb"))
local chunk = string.rep("0123456789abcdef", 64)
for _ = 1, 64 do big:write(chunk) end
big:close()
local data = assert(io.open("big.bin", "rb")):read("a")
print(#data, data:sub(1, 16) == "0123456789abcdef", select(2, data:gsub("f", "")))
print(result(os.remove("big.bin")))
print(os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365), os.time({ year = 2000, month = 1, day = 1, hour = 12 }) ~= nil)
