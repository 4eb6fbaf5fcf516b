// SPDX-License-Identifier: Apache-2.0
/*
 * nanosleep and clock_gettime in virtual time (the roles of
 * kernel/time/hrtimer.c's hrtimer_nanosleep and posix-timers.c, at tick
 * resolution).  The clock is the timer tick: a
 * tick is boot_info.insns_per_tick retired instructions, and one retired
 * instruction counts as one nanosecond, so sleeps are deterministic.
 */
#include "kernel.h"
#include "sched.h"
#include "uaccess.h"
#include "unistd.h"
#include "syscalls.h"

long sys_nanosleep(const struct timespec *ureq, struct timespec *urem)
{
	struct timespec ts;
	struct task_struct *t = current;
	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	u64 ns = (u64)ts.tv_sec * 1000000000UL + (u64)ts.tv_nsec;
	u64 ticks = (ns + tick_ns - 1) / tick_ns;
	(void)urem; /* an interrupted sleep ends its task: nobody reads the rest */
	if (!ticks)
		return 0;
	t->wake_at = jiffies + ticks;
	t->state = TASK_INTERRUPTIBLE;
	schedule();
	return t->sigpending ? -EINTR : 0;
}

/* Both clocks read the tick count: boot is time 0, for REALTIME too. */
long sys_clock_gettime(int which, struct timespec *utp)
{
	if (which != CLOCK_REALTIME && which != CLOCK_MONOTONIC)
		return -EINVAL;
	u64 ns = jiffies * tick_ns;
	struct timespec ts = { (long)(ns / 1000000000UL), (long)(ns % 1000000000UL) };
	if (copy_to_user(utp, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}
