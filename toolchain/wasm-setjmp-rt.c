/*
 * The runtime of LLVM's setjmp/longjmp lowering for WebAssembly
 * (`-mllvm -wasm-enable-sjlj`, the pass in WebAssemblyLowerEmscriptenEHSjLj),
 * for wasm32 and wasm64. The 2022 wasi-libc of `cargo xtask build-sysroot`
 * predates it; `cargo xtask build-real-programs` compiles this file into the
 * programs that need it (Lua). See toolchain/README.md.
 *
 * What the compiler does with a function F that calls setjmp:
 *
 * - at F's entry it takes the address of a local as F's "invocation id",
 *   unique to this activation of F;
 * - `setjmp(env)` becomes `__wasm_setjmp(env, label, id)` (label: a nonzero
 *   `uint32_t` naming the setjmp call site in F, in both widths) and returns
 *   0;
 * - every call in F that may longjmp is wrapped in a `try_table` that catches
 *   the tag `__c_longjmp` (whose payload is one pointer to a
 *   `struct longjmp_arg`), reads `env` and `val` from the payload, and asks
 *   `__wasm_setjmp_test(env, id)`: a nonzero label means the jump lands in
 *   this activation, at that setjmp, which then returns `val`; 0 means it
 *   does not, and the jump goes on outwards (clang 22 calls
 *   `__wasm_longjmp(env, val)` again);
 * - `longjmp(env, val)` becomes `__wasm_longjmp(env, val)`.
 *
 * The state lives in the jmp_buf itself (see sjlj-include/setjmp.h, which
 * reserves room for `struct jmp_buf_impl`), so nothing is allocated and no
 * global table is needed. A jump to a jmp_buf whose function has returned
 * is undefined behaviour in C; here it finds no activation with that id and
 * the exception reaches the top of the program, which traps.
 */
#include <setjmp.h>
#include <stdint.h>

/*
 * The tag `__c_longjmp`: one pointer-sized value, the address of a
 * `struct longjmp_arg`. Every catch the compiler writes names it; LLVM 22
 * no longer defines it in the backend, and C cannot spell a tag, so it is
 * defined here in module-level assembly (`__builtin_wasm_throw`'s tag 1
 * below is this symbol).
 */
#if defined(__wasm64__)
__asm__(".globl __c_longjmp\n"
	".tagtype __c_longjmp i64\n"
	"__c_longjmp:\n");
#elif defined(__wasm32__)
__asm__(".globl __c_longjmp\n"
	".tagtype __c_longjmp i32\n"
	"__c_longjmp:\n");
#else
#error "wasm-setjmp-rt.c is for WebAssembly"
#endif

/* The exception's payload: what `longjmp` was called with. */
struct longjmp_arg {
	void *env;
	int val;
};

/* The runtime's view of a jmp_buf. */
struct jmp_buf_impl {
	/* The activation that called setjmp (its invocation id). */
	void *func_invocation_id;
	/* Which setjmp call site of that function. */
	uint32_t label;
	/* The payload of a longjmp to this buffer. */
	struct longjmp_arg arg;
};

_Static_assert(sizeof(struct jmp_buf_impl) <= sizeof(jmp_buf),
	       "jmp_buf too small for the runtime");
_Static_assert(_Alignof(struct jmp_buf_impl) <= _Alignof(jmp_buf),
	       "jmp_buf under-aligned for the runtime");

void __wasm_setjmp(void *env, uint32_t label, void *func_invocation_id);
uint32_t __wasm_setjmp_test(void *env, void *func_invocation_id);
_Noreturn void __wasm_longjmp(void *env, int val);

/* Records where `env` was set: the activation and its call site. */
void __wasm_setjmp(void *env, uint32_t label, void *func_invocation_id)
{
	struct jmp_buf_impl *jb = env;
	jb->func_invocation_id = func_invocation_id;
	jb->label = label;
}

/*
 * The label of the setjmp that `env` was set by, if that was in the
 * activation `func_invocation_id`; else 0 (the jump goes further out).
 */
uint32_t __wasm_setjmp_test(void *env, void *func_invocation_id)
{
	const struct jmp_buf_impl *jb = env;
	if (jb->func_invocation_id == func_invocation_id)
		return jb->label;
	return 0;
}

/*
 * Throws `__c_longjmp` (tag 1 of `__builtin_wasm_throw`) with a pointer to
 * the jump's arguments, kept in the jmp_buf so they outlive this frame. As
 * in C, `longjmp(env, 0)` makes setjmp return 1.
 */
_Noreturn void __wasm_longjmp(void *env, int val)
{
	struct jmp_buf_impl *jb = env;
	jb->arg.env = env;
	jb->arg.val = val == 0 ? 1 : val;
	__builtin_wasm_throw(1, &jb->arg);
}
