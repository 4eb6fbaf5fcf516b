// SPDX-License-Identifier: Apache-2.0
/*
 * Programs started at the host's request (the role of kernel/umh.c,
 * call_usermodehelper, with the host as the caller).  The host writes a
 * command line into umh_mailbox while the guest is stopped, then increments
 * request_seq; at the next timer tick (or idle wake-up) the kernel spawns
 * the program as a child of the idle task, and when it exits stores pid and
 * status and sets done_seq = request_seq.  One request at a time.  Every
 * other zombie child of the idle task (orphans) is reaped here too.  Safe
 * from the timer interrupt: nothing here sleeps, and a zombie never runs.
 *
 * The host can also signal the running program, the way a terminal's ^C
 * signals its foreground job: it writes kill_sig and increments kill_seq;
 * the kernel sends the signal to the program and every task descended from
 * it, and sets kill_done = kill_seq.  The program then exits at its next
 * return to ring 3 and is reported as usual (status 128 + signal).
 */
#include "kernel.h"
#include "sched.h"
#include "unistd.h"
#include "boot.h"

#define UMH_MAX_ARGS 16

struct umh_mailbox {
	volatile u32 request_seq; /* 0x00: host increments after writing cmdline */
	volatile u32 done_seq;    /* 0x04: guest sets = request_seq when done */
	volatile s32 pid;         /* 0x08: pid started, or -errno if it could not be */
	volatile s32 status;      /* 0x0c: exit code, 128+signal, or 127 */
	char cmdline[256];        /* 0x10: "PROGRAM ARG..." NUL-terminated */
	volatile u32 kill_seq;    /* 0x110: host increments after writing kill_sig */
	volatile u32 kill_done;   /* 0x114: guest sets = kill_seq once signalled */
	volatile s32 kill_sig;    /* 0x118: the signal, e.g. SIGINT for ^C */
	volatile s32 kill_count;  /* 0x11c: tasks signalled (0: no program was running) */
};
_Static_assert(offsetof(struct umh_mailbox, cmdline) == 0x10, "BOOT.md");
_Static_assert(offsetof(struct umh_mailbox, kill_seq) == 0x110, "BOOT.md");

struct umh_mailbox umh_mailbox;
static u32 handled_seq;
static u32 handled_kill;
static pid_t running_pid;

static void umh_start(void)
{
	char line[sizeof(umh_mailbox.cmdline)];
	char *argv[UMH_MAX_ARGS];
	handled_seq = umh_mailbox.request_seq;
	memcpy(line, umh_mailbox.cmdline, sizeof(line));
	line[sizeof(line) - 1] = 0;
	int argc = parse_cmdline(line, argv, UMH_MAX_ARGS);
	pid_t pid = kernel_spawn(argv[0], argc, argv);
	umh_mailbox.pid = pid;
	if (pid > 0)
		find_task(pid)->parent = &init_task; /* not whoever the tick interrupted */
	if (pid < 0) {
		printk("umh: cannot run %s: error %d\n", argv[0], pid);
		umh_mailbox.status = 127;
		umh_mailbox.done_seq = handled_seq;
		return;
	}
	running_pid = pid;
}

/* Reap the idle task's zombie children; report the one the host asked for. */
static void umh_reap(void)
{
	struct list_head *p;
again:
	list_for_each(p, &task_list) {
		struct task_struct *t = list_entry(p, struct task_struct, tasks);
		if (t->parent != &init_task || t->state != TASK_ZOMBIE)
			continue;
		if (t->pid == running_pid) {
			int s = t->exit_code;
			umh_mailbox.status = WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
			umh_mailbox.done_seq = handled_seq;
			running_pid = 0;
		}
		release_task(t);
		goto again;
	}
}

/* t is the host's program or one of its descendants (its foreground job). */
static bool in_job(struct task_struct *t)
{
	for (; t && t != &init_task; t = t->parent)
		if (t->pid == running_pid)
			return true;
	return false;
}

/* Signal the host's program and its descendants, as a terminal signals its foreground job. */
static void umh_kill(void)
{
	struct list_head *p;
	int count = 0;
	handled_kill = umh_mailbox.kill_seq;
	if (running_pid) {
		list_for_each(p, &task_list) {
			struct task_struct *t = list_entry(p, struct task_struct, tasks);
			if (t->state != TASK_ZOMBIE && in_job(t) && !send_sig(umh_mailbox.kill_sig, t))
				count++;
		}
	}
	umh_mailbox.kill_count = count;
	umh_mailbox.kill_done = handled_kill;
}

void umh_work(void)
{
	if (umh_mailbox.kill_seq != handled_kill)
		umh_kill();
	umh_reap();
	if (!running_pid && umh_mailbox.request_seq != handled_seq)
		umh_start();
}
