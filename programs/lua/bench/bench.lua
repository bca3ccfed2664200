-- A CPU-bound Lua benchmark (not a test): recursive fib, an n-body
-- simulation, string building and table sorting. Its optional argument
-- scales the work (default 1, about 1.2 s natively; `cargo xtask bench`
-- runs it at a smaller scale). Run it (the second with this folder as /):
--   target/real-programs-build/native/lua programs/lua/bench/bench.lua [SCALE]
--   target/release/strata run --tier jit --dir programs/lua/bench::/ programs/lua/wasm64-wasip1/lua.wasm bench.lua [SCALE]
-- It prints checksums, not times.
local scale = tonumber(arg and arg[1]) or 1
local function scaled(n) return math.max(1, math.floor(n * scale + 0.5)) end

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local function nbody(steps)
  local pi, days = math.pi, 365.24
  local solar = 4 * pi * pi
  local bodies = {
    { 0, 0, 0, 0, 0, 0, solar },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03 * days, 7.69901118419740425e-03 * days, -6.90460016972063023e-05 * days,
      9.54791938424326609e-04 * solar },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03 * days, 4.99852801234917238e-03 * days, 2.30417297573763929e-05 * days,
      2.85885980666130812e-04 * solar },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03 * days, 2.37847173959480950e-03 * days, -2.96589568540237556e-05 * days,
      4.36624404335156298e-05 * solar },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03 * days, 1.62824170038242295e-03 * days, -9.51592254519715870e-05 * days,
      5.15138902046611451e-05 * solar },
  }
  local n = #bodies
  local function energy()
    local e = 0
    for i = 1, n do
      local b = bodies[i]
      e = e + 0.5 * b[7] * (b[4] * b[4] + b[5] * b[5] + b[6] * b[6])
      for j = i + 1, n do
        local c = bodies[j]
        local dx, dy, dz = b[1] - c[1], b[2] - c[2], b[3] - c[3]
        e = e - b[7] * c[7] / math.sqrt(dx * dx + dy * dy + dz * dz)
      end
    end
    return e
  end
  local e0 = energy()
  local dt = 0.01
  for _ = 1, steps do
    for i = 1, n do
      local b = bodies[i]
      for j = i + 1, n do
        local c = bodies[j]
        local dx, dy, dz = b[1] - c[1], b[2] - c[2], b[3] - c[3]
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = dt / (d2 * math.sqrt(d2))
        local bm, cm = b[7] * mag, c[7] * mag
        b[4], b[5], b[6] = b[4] - dx * cm, b[5] - dy * cm, b[6] - dz * cm
        c[4], c[5], c[6] = c[4] + dx * bm, c[5] + dy * bm, c[6] + dz * bm
      end
    end
    for i = 1, n do
      local b = bodies[i]
      b[1], b[2], b[3] = b[1] + dt * b[4], b[2] + dt * b[5], b[3] + dt * b[6]
    end
  end
  return e0, energy()
end

local function strings(n)
  local parts = {}
  for i = 1, n do parts[i] = string.format("%d:%x", i, i * 2654435761 % 4294967296) end
  local s = table.concat(parts, ",")
  local count = 0
  for _ in s:gmatch("%d+:f") do count = count + 1 end
  return #s, count
end

local function sorting(n)
  local t = {}
  local x = 1
  for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x end
  table.sort(t)
  return t[1], t[n // 2], t[n]
end

local fibs = 0
for _ = 1, scaled(11) do fibs = fibs + fib(25) end
print("fib(25)", fibs)
print("nbody", string.format("%.9f %.9f", nbody(scaled(200000))))
print("strings", strings(scaled(200000)))
print("sort", sorting(scaled(300000)))
