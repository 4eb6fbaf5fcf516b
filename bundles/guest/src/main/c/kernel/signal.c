// SPDX-License-Identifier: Apache-2.0
/*
 * Signals, as far as a kernel without signal handlers needs them (the roles
 * of kernel/signal.c's kill_pid_info and send_signal, and of the x86 return
 * path's do_signal).  Every signal takes its default action, and here every
 * default action terminates.  Sending records the signal on the target and
 * wakes it; the target acts on it when it next returns to ring 3 (after a
 * system call, an exception or the timer interrupt) by exiting with the
 * signal as its wait status.  A sleeping nanosleep or wait4 returns -EINTR
 * on the way.  No process groups: kill takes one pid.
 */
#include "kernel.h"
#include "sched.h"
#include "unistd.h"
#include "syscalls.h"

/* Record sig on t and wake it; the first pending signal is the one acted on. */
int send_sig(int sig, struct task_struct *t)
{
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (t == &init_task)
		return -EPERM;
	if (t->state == TASK_ZOMBIE)
		return 0; /* already dead, not yet reaped: as Linux, no error */
	if (!t->sigpending)
		t->sigpending = sig;
	if (t->state == TASK_INTERRUPTIBLE) {
		t->wake_at = 0;
		wake_up_process(t);
	}
	return 0;
}

long sys_kill(pid_t pid, int sig)
{
	if (pid <= 0)
		return -EINVAL; /* no process groups, no broadcast */
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	struct task_struct *t = find_task(pid);
	if (!t)
		return -ESRCH;
	return sig ? send_sig(sig, t) : 0;
}

/* On the way back to ring 3, with interrupts off: act on a pending signal. */
void do_signal(void)
{
	struct task_struct *t = current;
	if (unlikely(t->sigpending))
		do_exit(t->sigpending);
}
