/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prototypes of the system calls (the role of include/linux/syscalls.h).
 * Each returns its result or a negative errno; syscall.c's table calls them
 * with the six argument registers.
 */
#ifndef _SYSCALLS_H
#define _SYSCALLS_H

#include "types.h"
#include "unistd.h"

long sys_read(int fd, char *buf, u64 count);
long sys_write(int fd, const char *buf, u64 count);
long sys_open(const char *filename, int flags, int mode);
long sys_openat(int dfd, const char *filename, int flags, int mode);
long sys_close(int fd);
long sys_mmap(u64 addr, u64 len, int prot, int flags, int fd, long off);
long sys_sched_yield(void);
long sys_nanosleep(const struct timespec *rqtp, struct timespec *rmtp);
long sys_clock_gettime(int which, struct timespec *tp);
long sys_getpid(void);
long sys_getppid(void);
long sys_exit(int code);
long sys_exit_group(int code);
long sys_wait4(pid_t pid, int *status, int options, void *rusage);
long sys_kill(pid_t pid, int sig);
long sys_mkdir(const char *pathname, int mode);
long sys_rmdir(const char *pathname);
long sys_unlink(const char *pathname);
long sys_spawn(const char *path, char *const *argv);

#endif
