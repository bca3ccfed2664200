-- Strings: formatting, patterns, gsub, packing, utf8.
print(string.format("%d|%5d|%-5d|%05.1f|%x|%X|%o", 42, 42, 42, 3.14159, 255, 255, 8))
print(string.format("%q", "tab\tnew\nline\0zero\"quote"))
print(string.format("%s %10.3s|%g %g %g", "abc", "abcdef", 1e20, 0.1, 2^63))
print(("hello world"):upper(), ("MiXeD"):lower(), ("abc"):rep(3, "-"), ("abc"):reverse())
print(("hello world from lua"):find("wor"), ("hello"):find("l+"), ("a.b"):find(".", 1, true))
print(string.match("key = value", "(%w+)%s*=%s*(%w+)"))
print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
local words = {}
for w in ("the quick brown fox jumps"):gmatch("%a+") do words[#words + 1] = w end
print(#words, table.concat(words, ","))
print(("hello world"):gsub("o", "0"))
print(("abc"):gsub("%w", "%0%0"))
print(("x = 1, y = 2"):gsub("(%w+) = (%w+)", "%2 = %1"))
print(("$name is $age"):gsub("%$(%w+)", { name = "lua", age = "30" }))
print(("abc"):gsub(".", function(c) return c:byte() .. " " end))
print(string.byte("ABC", 1, -1), string.char(72, 105))
print(#"\u{10FFFF}", utf8.char(72, 228, 8364, 128512), utf8.len("häll€"))
for p, c in utf8.codes("aä€") do io.write(p, ":", c, " ") end
print()
local packed = string.pack("<i4 >i8 z d s1", -2, 1 << 40, "zs", 1.5, "pascal")
print(#packed, string.unpack("<i4 >i8 z d s1", packed))
print(string.packsize("i4 i8 d"), ("%5.2f"):format(1 / 3))
print(tostring(12), tostring(1.0), tostring(-0.0), 10 // 3, 10.0 // 3, 2^10, 7 % -3)
print(tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("nope"))
local parts = {}
for i = 1, 20 do parts[#parts + 1] = string.format("%02d", i * i % 17) end
print(table.concat(parts, " "))
