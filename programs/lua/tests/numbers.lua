-- Numbers: integer and float arithmetic, math library, seeded random.
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)
print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 7.0 // 2, 2^0.5, 1 / 0, -1 / 0)
print(math.type(1), math.type(1.0), math.type("1"), 1 == 1.0, math.tointeger(3.0))
print(3 & 5, 3 | 5, 3 ~ 5, ~0, 1 << 62, 256 >> 4, -1 >> 63)
print(math.floor(-3.5), math.ceil(-3.5), math.abs(-7), math.max(3, 9, 1), math.min(3, 9, 1))
print(string.format("%.6f %.6f %.6f %.6f", math.sin(1), math.cos(1), math.exp(1), math.log(10)))
print(string.format("%.6f %.6f %.6f", math.sqrt(2), math.log(8, 2), math.atan(1, 1) * 4))
print(math.fmod(7, 3), math.fmod(-7, 3), math.modf(3.7), math.ult(1, -1))
print(string.format("%.17g", 0.1 + 0.2), 0.1 + 0.2 == 0.3, 1e308 * 10, -(0 / 0) ~= -(0 / 0))
math.randomseed(42)
local r = {}
for i = 1, 8 do r[i] = math.random(1, 100) end
print(table.concat(r, " "))
print(string.format("%.10f", math.random()))
-- A small integer workload: primes below 20000 by sieve, and a checksum.
local N = 20000
local sieve = {}
for i = 2, N do sieve[i] = true end
for i = 2, math.floor(math.sqrt(N)) do
  if sieve[i] then for j = i * i, N, i do sieve[j] = false end end
end
local primes, last = 0, 0
for i = 2, N do if sieve[i] then primes = primes + 1; last = i end end
print("primes", primes, last)
local h = 0
for i = 1, 100000 do h = (h * 31 + i) & 0xffffffff end
print("hash", h)
local fsum = 0.0
for i = 1, 10000 do fsum = fsum + 1 / (i * i) end
print(string.format("zeta2 %.12f", fsum))
