-- The Lua test suite of programs/lua (see programs/lua/README.md): runs
-- each part in order, each printing what it computes. The expected output
-- is the native build's (cargo xtask build-real-programs). Paths are
-- relative: the folder is the current directory natively and the
-- preopened "/" in WebAssembly.
local parts = {
  "strings", "tables", "numbers", "closures", "coroutines", "errors", "files",
}
for _, name in ipairs(parts) do
  print("== " .. name)
  dofile(name .. ".lua")
end
print("== done: " .. #parts .. " parts")
