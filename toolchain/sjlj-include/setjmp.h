/*
 * <setjmp.h> for WebAssembly programs compiled with LLVM's setjmp/longjmp
 * lowering (`-mllvm -wasm-enable-sjlj`), for the 2022 wasi-libc of
 * `cargo xtask build-sysroot`, which has no <setjmp.h>.
 *
 * The compiler rewrites every call of `setjmp` and `longjmp` into calls of
 * the runtime in `toolchain/wasm-setjmp-rt.c` (`__wasm_setjmp`,
 * `__wasm_setjmp_test`, `__wasm_longjmp`), so these functions are never
 * defined: a program that calls them without the lowering fails to link.
 * See toolchain/README.md.
 */
#ifndef _SETJMP_H
#define _SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * LLVM's convention reserves the first words of a jmp_buf for the runtime;
 * the runtime uses four (a pointer, a label, and the pointer and value of a
 * longjmp in flight). Eight pointer-sized words leave room, in both widths.
 */
typedef struct __jmp_buf_tag {
	void *__reserved[8];
} jmp_buf[1];

typedef jmp_buf sigjmp_buf;

int setjmp(jmp_buf);
_Noreturn void longjmp(jmp_buf, int);

/*
 * The POSIX variants (which would skip saving the signal mask, which WASI
 * does not have) are the same calls: the lowering only knows `setjmp` and
 * `longjmp` by name.
 */
#define _setjmp(env) setjmp(env)
#define _longjmp(env, val) longjmp(env, val)
#define sigsetjmp(env, savesigs) setjmp(env)
#define siglongjmp(env, val) longjmp(env, val)

#ifdef __cplusplus
}
#endif

#endif
