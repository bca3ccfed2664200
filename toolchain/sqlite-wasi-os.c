/*
 * The operating-system layer of the SQLite programs that
 * `cargo xtask build-real-programs` builds (see toolchain/README.md).
 *
 * They are compiled with `-DSQLITE_OS_OTHER=1`: SQLite's own Unix layer
 * (os_unix.c) needs POSIX advisory locks (`fcntl(F_SETLK)`), `fchmod`,
 * `fchown` and `geteuid`, which WASI preview1 does not have. Instead the
 * only VFS is the "demo" VFS of SQLite's source tree (src/test_demovfs.c,
 * compiled unchanged next to this file): plain open/read/write/fsync/
 * unlink/access on paths, no file locking (one connection per database
 * file, which a single-threaded WASI program is), temporary files in
 * memory (`-DSQLITE_TEMP_STORE=3`), and a no-op truncate (a database file
 * does not shrink, which SQLite tolerates: the page count is in its
 * header). The native builds use the same layer, so both run the same code.
 *
 * With SQLITE_OS_OTHER, SQLite calls these two functions from
 * sqlite3_initialize() and sqlite3_shutdown().
 */
#include "sqlite3.h"

/* Defined in src/test_demovfs.c. */
sqlite3_vfs *sqlite3_demovfs(void);

/* Registers the demo VFS as the default one. */
int sqlite3_os_init(void)
{
	return sqlite3_vfs_register(sqlite3_demovfs(), 1);
}

/* Nothing to release: the VFS is a static structure. */
int sqlite3_os_end(void)
{
	return SQLITE_OK;
}
