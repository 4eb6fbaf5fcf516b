// SPDX-License-Identifier: Apache-2.0
/*
 * Exception and interrupt handling (the roles of arch/x86/kernel/traps.c,
 * arch/x86/mm/fault.c:do_page_fault and the timer interrupt).  entry.S calls
 * do_trap(regs, vector) with interrupts off.  A fault in ring 3 kills the
 * task with a message and the kernel goes on; a fault in ring 0 is either
 * fixed up through the exception table (bad user pointer) or an oops.
 */
#include "kernel.h"
#include "sched.h"
#include "uaccess.h"
#include "unistd.h"

#define LOCAL_TIMER_VECTOR 0xec
#define SPURIOUS_APIC_VECTOR 0xff
#define PF_USER 4 /* error code bit: the access came from ring 3 */

void apic_eoi(void);

static const char *const trap_names[32] = {
	"divide error", "debug", "nmi", "int3", "overflow", "bounds",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack segment", "general protection fault", "page fault", "reserved",
	"coprocessor error", "alignment check", "machine check", "SIMD error",
	"virtualization", "control protection", "reserved", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "reserved",
	"security exception", "reserved",
};

/* The signal Linux would send for this exception (reported by wait4). */
static int trap_signal(int vector)
{
	switch (vector) {
	case 0:
		return 8; /* SIGFPE */
	case 1:
	case 3:
		return 5; /* SIGTRAP */
	case 6:
		return 4; /* SIGILL */
	default:
		return SIGSEGV;
	}
}

static __kprobes void show_regs(struct pt_regs *r)
{
	printk("RIP: %04lx:%016lx RSP: %04lx:%016lx RFLAGS: %08lx\n", r->cs, r->ip, r->ss,
	       r->sp, r->flags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", r->ax, r->bx, r->cx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", r->dx, r->si, r->di);
	printk("RBP: %016lx R8:  %016lx R9:  %016lx\n", r->bp, r->r8, r->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", r->r10, r->r11, r->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", r->r13, r->r14, r->r15);
}

/* An unrecoverable kernel-mode fault (the role of die/oops_end). */
static __kprobes __noreturn void die(const char *what, struct pt_regs *regs, int vector)
{
	printk("Oops: %s, vector %d, error %lx", what, vector, regs->orig_ax);
	if (vector == 14)
		printk(", address %lx", read_cr2());
	printk("\n");
	show_regs(regs);
	show_backtrace(regs->bp);
	panic("fatal exception in kernel mode");
}

/* Ring 3 did something it may not: report and kill, like a fatal signal. */
static __kprobes __noreturn void kill_user(struct pt_regs *regs, int vector)
{
	struct task_struct *t = current;
	if (vector == 14)
		printk("%s[%d]: page fault at 0x%lx ip 0x%lx error %lx - killed\n", t->comm,
		       t->pid, read_cr2(), regs->ip, regs->orig_ax);
	else
		printk("%s[%d]: %s at 0x%lx - killed\n", t->comm, t->pid, trap_names[vector],
		       regs->ip);
	do_exit(trap_signal(vector));
}

__kprobes void do_page_fault(struct pt_regs *regs)
{
	if (user_mode(regs))
		kill_user(regs, 14);
	/* A kernel access to a user address: only allowed from listed copy routines. */
	if (fixup_exception(regs))
		return;
	die("page fault", regs, 14);
}

__kprobes void do_trap(struct pt_regs *regs, int vector)
{
	if (vector == LOCAL_TIMER_VECTOR) {
		apic_eoi();
		scheduler_tick();
	} else if (vector == SPURIOUS_APIC_VECTOR) {
		/* no EOI for the spurious vector (SDM Vol.3 §11.9) */
	} else if (vector == 14) {
		do_page_fault(regs);
	} else if (vector < 32) {
		if (user_mode(regs))
			kill_user(regs, vector);
		if (vector == 13 && fixup_exception(regs))
			return;
		die(trap_names[vector], regs, vector);
	}
	/* Preemption point: only on the way back to ring 3 (a non-preemptible kernel). */
	if (user_mode(regs) && pcpu_area[0].need_resched)
		schedule();
	if (user_mode(regs))
		do_signal();
}
