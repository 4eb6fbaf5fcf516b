/* SPDX-License-Identifier: Apache-2.0 */
/* The user programs' tiny libc: syscall wrappers, printf, strings. */
#ifndef _ULIB_H
#define _ULIB_H

#include "types.h"
#include "lib.h"
#include "errno.h"
#include "unistd.h"

long syscall6(long nr, long a, long b, long c, long d, long e, long f);
#define syscall3(nr, a, b, c) syscall6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* These return the raw result: >= 0, or -errno (no global errno here). */
static inline long read(int fd, void *b, u64 n) { return syscall3(__NR_read, fd, b, n); }
static inline long write(int fd, const void *b, u64 n) { return syscall3(__NR_write, fd, b, n); }
static inline long open(const char *p, int fl, int mode)
{
	return syscall3(__NR_open, p, fl, mode);
}
static inline long openat(int d, const char *p, int fl, int mode)
{
	return syscall6(__NR_openat, d, (long)p, fl, mode, 0, 0);
}
static inline long close(int fd) { return syscall3(__NR_close, fd, 0, 0); }
static inline long mkdir(const char *p, int mode) { return syscall3(__NR_mkdir, p, mode, 0); }
static inline long rmdir(const char *p) { return syscall3(__NR_rmdir, p, 0, 0); }
static inline long unlink(const char *p) { return syscall3(__NR_unlink, p, 0, 0); }
static inline long getpid(void) { return syscall3(__NR_getpid, 0, 0, 0); }
static inline long getppid(void) { return syscall3(__NR_getppid, 0, 0, 0); }
static inline long nanosleep(const struct timespec *r, struct timespec *rem)
{
	return syscall3(__NR_nanosleep, r, rem, 0);
}
static inline long clock_gettime(int clk, struct timespec *tp)
{
	return syscall3(__NR_clock_gettime, clk, tp, 0);
}
static inline long wait4(int pid, int *st, int opt, void *ru)
{
	return syscall6(__NR_wait4, pid, (long)st, opt, (long)ru, 0, 0);
}
static inline long kill(int pid, int sig) { return syscall3(__NR_kill, pid, sig, 0); }
static inline long spawn(const char *path, char *const argv[])
{
	return syscall3(__NR_spawn, path, argv, 0);
}
static inline long mmap(void *a, u64 len, int prot, int flags, int fd, long off)
{
	return syscall6(__NR_mmap, (long)a, (long)len, prot, flags, fd, off);
}
__attribute__((noreturn)) void exit(int code);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *strerror(long err);
long atol(const char *s);
int msleep(long ms);
long now_ms(void);

#endif
