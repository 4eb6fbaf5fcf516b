// SPDX-License-Identifier: Apache-2.0
/*
 * The scheduler (the role of kernel/sched/core.c, 2005 vintage): one run
 * queue, round robin, a new choice on every timer tick.  The kernel is not
 * preemptible: a task is switched out only when it blocks (nanosleep, wait4,
 * exit) or on its way back to ring 3 after a tick.  The boot task (pid 0)
 * is the idle task: it halts until the next interrupt.
 */
#include "kernel.h"
#include "sched.h"
#include "mm.h"
#include "syscalls.h"

void set_kernel_stack(u64 top);

/* The idle task's kernel stack, THREAD_SIZE-aligned like every other. */
union thread_union init_thread_union
	__attribute__((section(".bss..page_aligned"), aligned(THREAD_SIZE)));
struct task_struct init_task;
struct list_head task_list = LIST_HEAD_INIT(task_list);
static struct list_head runqueue = LIST_HEAD_INIT(runqueue);
volatile u64 jiffies;
u64 tick_ns = 1000000; /* set from boot_info: one instruction = one virtual ns */

static bool on_runqueue(struct task_struct *t) { return t->run_list.next != &t->run_list; }

void sched_init(void)
{
	struct task_struct *t = &init_task;
	t->state = TASK_RUNNING;
	t->pid = 0;
	strncpy_pad(t->comm, "swapper", sizeof(t->comm));
	t->stack = &init_thread_union;
	init_thread_union.info.task = t;
	init_thread_union.info.canary = STACK_END_MAGIC;
	INIT_LIST_HEAD(&t->run_list);
	list_add_tail(&t->tasks, &task_list);
	pcpu_area[0].current_task = t;
	set_kernel_stack((u64)t->stack + THREAD_SIZE);
}

void wake_up_process(struct task_struct *t)
{
	if (t->state == TASK_RUNNING)
		return;
	t->state = TASK_RUNNING;
	if (t != &init_task)
		list_add_tail(&t->run_list, &runqueue);
	pcpu_area[0].need_resched = 1;
}

/* Called from the timer interrupt (the role of update_process_times + scheduler_tick). */
void scheduler_tick(void)
{
	struct list_head *p;
	jiffies++;
	current->ticks++;
	list_for_each(p, &task_list) {
		struct task_struct *t = list_entry(p, struct task_struct, tasks);
		if (t->state == TASK_INTERRUPTIBLE && t->wake_at && t->wake_at <= jiffies) {
			t->wake_at = 0;
			wake_up_process(t);
		}
	}
	umh_work();
	if (!list_empty(&runqueue))
		pcpu_area[0].need_resched = 1;
}

/* Switch address space, kernel stack and current; then the registers (entry.S). */
static __kprobes void context_switch(struct task_struct *prev, struct task_struct *next)
{
	u64 cr3 = next->mm ? next->mm->pgd : init_top_pgt_pa;
	if (read_cr3() != cr3)
		write_cr3(cr3);
	if (next->stack->info.canary != STACK_END_MAGIC)
		panic("kernel stack overflow in %s[%d]", next->comm, next->pid);
	set_kernel_stack((u64)next->stack + THREAD_SIZE);
	pcpu_area[0].current_task = next;
	__switch_to_asm(&prev->sp, next->sp);
}

/* Pick the task after prev on the run queue (or idle), and switch to it. */
void schedule(void)
{
	struct task_struct *prev = current, *next;
	struct list_head *p = on_runqueue(prev) ? prev->run_list.next : runqueue.next;
	if (p == &runqueue)
		p = p->next;
	if (prev->state != TASK_RUNNING && on_runqueue(prev)) {
		if (p == &prev->run_list)
			p = &runqueue;
		list_del(&prev->run_list);
	}
	next = p == &runqueue ? &init_task : list_entry(p, struct task_struct, run_list);
	pcpu_area[0].need_resched = 0;
	if (next != prev)
		context_switch(prev, next);
}

/* First code a new task runs in the kernel, from ret_from_fork. */
void schedule_tail(void)
{
}

long sys_sched_yield(void)
{
	schedule();
	return 0;
}

/*
 * The idle loop.  "sti; hlt" waits for the next interrupt without a window
 * (sti takes effect after the next instruction); after each wake-up idle
 * serves host requests (umh.c) and reaps its own children.
 */
__noreturn void cpu_idle(void)
{
	for (;;) {
		umh_work();
		if (pcpu_area[0].need_resched)
			schedule();
		else
			asm volatile("sti; hlt; cli" ::: "memory");
	}
}
