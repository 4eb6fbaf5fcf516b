// SPDX-License-Identifier: Apache-2.0
/*
 * Task exit and reaping (the roles of kernel/exit.c: do_exit, wait4, and
 * release_task).  An exiting task drops its files and address space and
 * becomes a zombie holding its wait status; the parent's wait4 frees the
 * kernel stack and task.  When pid 1 (the first program) exits, the machine
 * powers off, as the kernel's command line finished.
 */
#include "kernel.h"
#include "sched.h"
#include "fs.h"
#include "uaccess.h"
#include "unistd.h"
#include "boot.h"
#include "syscalls.h"

#define WNOHANG 1

struct task_struct *find_task(pid_t pid)
{
	struct list_head *p;
	list_for_each(p, &task_list) {
		struct task_struct *t = list_entry(p, struct task_struct, tasks);
		if (t->pid == pid)
			return t;
	}
	return NULL;
}

/* status is a wait status: (code << 8) for exit(code), the signal number if killed. */
__noreturn void do_exit(int status)
{
	struct task_struct *t = current, *init = find_task(1);
	struct list_head *p;
	if (t == &init_task)
		panic("attempted to kill the idle task");
	for (int fd = 0; fd < NR_OPEN; fd++) {
		if (t->files[fd])
			fput(t->files[fd]);
		t->files[fd] = NULL;
	}
	if (t->mm) {
		write_cr3(init_top_pgt_pa); /* stop using the tables we free */
		mm_release(t->mm);
		t->mm = NULL;
	}
	list_for_each(p, &task_list) { /* orphans go to pid 1 (never reaped if it does not wait) */
		struct task_struct *c = list_entry(p, struct task_struct, tasks);
		if (c->parent == t)
			c->parent = init && init != t ? init : &init_task;
	}
	t->exit_code = status;
	t->state = TASK_ZOMBIE;
	if (t->pid == 1) {
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		printk("%s[1] exited with status %d\n", t->comm, code);
		if (!(boot_info.flags & BOOT_FLAG_STAY_UP)) {
			printk("Memory: %lu KiB free\n", nr_free_pages() * 4);
			machine_power_off(code);
		}
	}
	if (t->parent && t->parent->waiting_child)
		wake_up_process(t->parent);
	schedule();
	panic("zombie %d scheduled", t->pid);
}

long sys_exit(int code)
{
	do_exit((code & 0xff) << 8);
}

long sys_exit_group(int code)
{
	do_exit((code & 0xff) << 8);
}

/*
 * Free what a zombie still holds (the role of release_task).  Never inlined: the host's
 * kprobes flush the task's kretprobe instances on entry here (kprobe_flush_task's role), so
 * every reaper must really call it.
 */
noinline void release_task(struct task_struct *t)
{
	list_del(&t->tasks);
	free_pages(t->stack, THREAD_ORDER);
	kfree(t);
}

long sys_wait4(pid_t pid, int *ustatus, int options, void *rusage)
{
	struct task_struct *self = current;
	(void)rusage;
	if (options & ~WNOHANG)
		return -EINVAL;
	for (;;) {
		bool have_child = false;
		struct list_head *p;
		list_for_each(p, &task_list) {
			struct task_struct *c = list_entry(p, struct task_struct, tasks);
			if (c->parent != self || (pid > 0 && c->pid != pid))
				continue;
			have_child = true;
			if (c->state != TASK_ZOMBIE)
				continue;
			if (ustatus && copy_to_user(ustatus, &c->exit_code, sizeof(int)))
				return -EFAULT;
			pid_t found = c->pid;
			release_task(c);
			return found;
		}
		if (!have_child)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		self->waiting_child = true;
		self->state = TASK_INTERRUPTIBLE;
		schedule();
		self->waiting_child = false;
		if (self->sigpending)
			return -EINTR;
	}
}

long sys_getpid(void)
{
	return current->pid;
}

long sys_getppid(void)
{
	struct task_struct *p = current->parent;
	return p ? p->pid : 0;
}
