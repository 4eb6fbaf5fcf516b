// SPDX-License-Identifier: Apache-2.0
/* The user programs' tiny libc (see ulib.h). */
#include "ulib.h"

long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 asm("r10") = d;
	register long r8 asm("r8") = e;
	register long r9 asm("r9") = f;
	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
		     : "rcx", "r11", "memory");
	return ret;
}

void exit(int code)
{
	for (;;)
		syscall3(__NR_exit, code, 0, 0);
}

static int vfdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	write(fd, buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfdprintf(1, fmt, ap);
	va_end(ap);
	return n;
}

int eprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfdprintf(2, fmt, ap);
	va_end(ap);
	return n;
}

/* The glibc wording, so output reads like coreutils'. */
const char *strerror(long err)
{
	switch (err < 0 ? -err : err) {
	case EPERM: return "Operation not permitted";
	case ENOENT: return "No such file or directory";
	case ESRCH: return "No such process";
	case EINTR: return "Interrupted system call";
	case EBADF: return "Bad file descriptor";
	case ECHILD: return "No child processes";
	case ENOMEM: return "Cannot allocate memory";
	case EFAULT: return "Bad address";
	case EBUSY: return "Device or resource busy";
	case EEXIST: return "File exists";
	case ENOTDIR: return "Not a directory";
	case EISDIR: return "Is a directory";
	case EINVAL: return "Invalid argument";
	case EMFILE: return "Too many open files";
	case EFBIG: return "File too large";
	case ENAMETOOLONG: return "File name too long";
	case ENOSYS: return "Function not implemented";
	case ENOTEMPTY: return "Directory not empty";
	case E2BIG: return "Argument list too long";
	case ENOEXEC: return "Exec format error";
	default: return "Unknown error";
	}
}

long atol(const char *s)
{
	long v = 0;
	bool neg = *s == '-';
	if (neg)
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

int msleep(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	return (int)nanosleep(&ts, NULL);
}

/* Virtual milliseconds since boot. */
long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
