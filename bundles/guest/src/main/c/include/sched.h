/* SPDX-License-Identifier: Apache-2.0 */
/* Tasks, kernel stacks, the per-CPU area and the scheduler. */
#ifndef _SCHED_H
#define _SCHED_H

#include "kernel.h"
#include "list.h"
#include "mm.h"
#include "ptrace.h"

/*
 * Kernel stacks are THREAD_SIZE bytes, THREAD_SIZE-aligned.  The lowest
 * quadword of each (offset 0 from the base) holds the owning task's pointer,
 * as 2005's thread_info did: current = *(task **)(rsp & ~(THREAD_SIZE - 1)).
 */
#define THREAD_SIZE 16384UL
#define THREAD_ORDER 2

struct thread_info {
	struct task_struct *task; /* offset 0: read by the kprobes bundles */
	u64 canary;               /* STACK_END_MAGIC, checked on switch */
};
#define STACK_END_MAGIC 0x57ac6e9d57ac6e9dUL

union thread_union {
	struct thread_info info;
	u64 stack[THREAD_SIZE / 8];
};

/*
 * The per-CPU area, reached through GS while in the kernel (swapgs on every
 * entry from ring 3).  Offsets are fixed by BOOT.md; entry.S uses them.
 */
struct pcpu {
	struct pcpu *self;                 /* 0x00 */
	struct task_struct *current_task;  /* 0x08 (Linux: per-cpu current_task) */
	u64 top_of_stack;                  /* 0x10: current kernel stack top */
	u64 user_rsp;                      /* 0x18: scratch for syscall entry */
	u32 cpu;                           /* 0x20 */
	u32 need_resched;                  /* 0x24 */
};
#define PCPU_CURRENT_TASK 0x08
#define PCPU_TOP_OF_STACK 0x10
#define PCPU_USER_RSP 0x18
extern struct pcpu pcpu_area[1];

static inline struct task_struct *get_current(void)
{
	struct task_struct *t;
	asm volatile("mov %%gs:0x8, %0" : "=r"(t));
	return t;
}
#define current get_current()

enum task_state { TASK_RUNNING, TASK_INTERRUPTIBLE, TASK_ZOMBIE };

#define NR_OPEN 16
#define TASK_COMM_LEN 16

struct file;

struct task_struct {
	enum task_state state;
	pid_t pid;
	u64 sp;                      /* saved kernel RSP while switched out */
	union thread_union *stack;   /* THREAD_SIZE-aligned kernel stack */
	struct mm_struct *mm;        /* NULL for kernel-only tasks */
	struct task_struct *parent;
	char comm[TASK_COMM_LEN];
	int exit_code;               /* wait4 status once a zombie */
	bool waiting_child;          /* in wait4 */
	u64 wake_at;                 /* jiffies deadline while in nanosleep */
	u64 ticks;                   /* timer ticks charged while running */
	struct list_head run_list;   /* on the run queue while TASK_RUNNING */
	struct list_head tasks;      /* on the list of all tasks */
	struct file *files[NR_OPEN];
	int sigpending;               /* a signal to act on at the return to ring 3, or 0 */
};

_Static_assert(offsetof(struct pcpu, current_task) == PCPU_CURRENT_TASK, "BOOT.md");
_Static_assert(offsetof(struct pcpu, top_of_stack) == PCPU_TOP_OF_STACK, "entry.S");
_Static_assert(offsetof(struct pcpu, user_rsp) == PCPU_USER_RSP, "entry.S");
_Static_assert(offsetof(struct thread_info, task) == 0, "BOOT.md");
_Static_assert(sizeof(struct pt_regs) == 21 * 8, "entry.S");
_Static_assert(offsetof(struct pt_regs, cs) == 0x88, "entry.S CS_IN_REGS");

/* Offsets the host reads (guest:ps), fixed by BOOT.md. */
_Static_assert(offsetof(struct task_struct, pid) == 0x4, "BOOT.md");
_Static_assert(offsetof(struct task_struct, sp) == 0x8, "BOOT.md");
_Static_assert(offsetof(struct task_struct, stack) == 0x10, "BOOT.md");
_Static_assert(offsetof(struct task_struct, parent) == 0x20, "BOOT.md");
_Static_assert(offsetof(struct task_struct, comm) == 0x28, "BOOT.md");
_Static_assert(offsetof(struct task_struct, ticks) == 0x48, "BOOT.md");
_Static_assert(offsetof(struct task_struct, tasks) == 0x60, "BOOT.md");

extern struct task_struct init_task; /* pid 0: the boot CPU's idle task */
extern struct list_head task_list;
extern volatile u64 jiffies;
extern u64 tick_ns;

/* sched.c */
void sched_init(void);
void schedule(void);
void wake_up_process(struct task_struct *t);
void scheduler_tick(void);
__noreturn void cpu_idle(void);
void __switch_to_asm(u64 *prev_sp, u64 next_sp); /* entry.S */

/* exec.c (spawn) and exit.c */
pid_t kernel_spawn(const char *name, int argc, char *const argv[]);
__noreturn void do_exit(int status);
struct task_struct *find_task(pid_t pid);
void release_task(struct task_struct *t);

/* umh.c */
void umh_work(void);

/* signal.c */
int send_sig(int sig, struct task_struct *t);
void do_signal(void);

#endif
