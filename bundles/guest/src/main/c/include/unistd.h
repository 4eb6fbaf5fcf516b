/* SPDX-License-Identifier: Apache-2.0 */
/*
 * System call numbers, shared by the kernel and the user programs.
 * All are the Linux x86-64 numbers (arch/x86/entry/syscalls/syscall_64.tbl)
 * except __NR_spawn, which Linux does not have: it starts a program that is
 * built into the kernel image, like posix_spawn without fork.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#define __NR_read 0
#define __NR_write 1
#define __NR_open 2
#define __NR_close 3
#define __NR_mmap 9
#define __NR_sched_yield 24
#define __NR_nanosleep 35
#define __NR_getpid 39
#define __NR_exit 60
#define __NR_wait4 61
#define __NR_kill 62
#define __NR_mkdir 83
#define __NR_rmdir 84
#define __NR_unlink 87
#define __NR_getppid 110
#define __NR_clock_gettime 228
#define __NR_exit_group 231
#define __NR_openat 257
#define __NR_spawn 1000  /* KprobeLab-specific */
#define NR_syscalls 1001

/* open flags (Linux values, include/uapi/asm-generic/fcntl.h) */
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_ACCMODE 03
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_DIRECTORY 0200000
#define AT_FDCWD (-100)

/* mmap */
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20

/* signals (Linux numbers); every one terminates: there are no handlers */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15
#define NSIG 64

/* wait status, as Linux encodes it */
#define WIFEXITED(s) (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s) ((s) & 0x7f)

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

struct timespec {
	long tv_sec;
	long tv_nsec;
};

#endif
