// SPDX-License-Identifier: Apache-2.0
/*
 * The system call table and dispatcher (the roles of
 * arch/x86/entry/syscall_64.c and common.c:do_syscall_64).  Arguments come
 * in RDI, RSI, RDX, R10, R8, R9; the result goes back in RAX, negative errno
 * on failure.  Numbers are Linux x86-64's, except __NR_spawn.
 */
#include "kernel.h"
#include "sched.h"
#include "unistd.h"
#include "syscalls.h"

typedef long (*sys_call_ptr_t)(long, long, long, long, long, long);


#define SYSCALL(nr, fn) [nr] = (sys_call_ptr_t)fn

static const sys_call_ptr_t sys_call_table[__NR_openat + 1] = {
	SYSCALL(__NR_read, sys_read),
	SYSCALL(__NR_write, sys_write),
	SYSCALL(__NR_open, sys_open),
	SYSCALL(__NR_close, sys_close),
	SYSCALL(__NR_mmap, sys_mmap),
	SYSCALL(__NR_sched_yield, sys_sched_yield),
	SYSCALL(__NR_nanosleep, sys_nanosleep),
	SYSCALL(__NR_getpid, sys_getpid),
	SYSCALL(__NR_exit, sys_exit),
	SYSCALL(__NR_wait4, sys_wait4),
	SYSCALL(__NR_kill, sys_kill),
	SYSCALL(__NR_mkdir, sys_mkdir),
	SYSCALL(__NR_rmdir, sys_rmdir),
	SYSCALL(__NR_unlink, sys_unlink),
	SYSCALL(__NR_getppid, sys_getppid),
	SYSCALL(__NR_clock_gettime, sys_clock_gettime),
	SYSCALL(__NR_exit_group, sys_exit_group),
	SYSCALL(__NR_openat, sys_openat),
};

__kprobes void do_syscall_64(struct pt_regs *regs)
{
	u64 nr = regs->orig_ax;
	sys_call_ptr_t fn = NULL;
	if (nr < ARRAY_SIZE(sys_call_table))
		fn = sys_call_table[nr];
	else if (nr == __NR_spawn)
		fn = (sys_call_ptr_t)sys_spawn;
	if (fn)
		regs->ax = (u64)fn((long)regs->di, (long)regs->si, (long)regs->dx, (long)regs->r10,
				   (long)regs->r8, (long)regs->r9);
	if (pcpu_area[0].need_resched)
		schedule();
}
