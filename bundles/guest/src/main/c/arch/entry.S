/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel entry and exit: exceptions, interrupts, syscall, the first return
 * of a new task, and the stack switch (the roles of arch/x86/entry/entry_64.S
 * and __switch_to_asm).  All of it is in .kprobes.text: a breakpoint here
 * would trap with a half-built pt_regs or on the wrong GS base.
 *
 * Every path builds a struct pt_regs (ptrace.h) on the kernel stack.  GS:
 * ring 3 runs with the user's GS base; every entry from ring 3 executes
 * swapgs so that %gs points at the per-CPU area, and every exit to ring 3
 * swaps back.  Entries from ring 0 already have the kernel GS.
 */
#define PCPU_TOP_OF_STACK 0x10
#define PCPU_USER_RSP 0x18
#define __USER_DS 0x23
#define __USER_CS 0x2b
#define ENOSYS 38
#define CS_IN_REGS 0x88	/* offsetof(struct pt_regs, cs) */

	.macro PUSH_REGS rax=%rax
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	\rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	.endm

	.macro POP_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	.endm

	.section .kprobes.text, "ax"

/*
 * One stub per vector.  The CPU pushed SS, RSP, RFLAGS, CS, RIP and, for
 * some exceptions, an error code; stubs without one push 0 so the frame has
 * the same shape.  Then: swapgs if we came from ring 3, save registers,
 * do_trap(regs, vector), and leave through ret_from_exception.
 */
	.macro TRAP_STUB name, vec, has_error
	.globl \name
	.type \name, @function
\name:
	.if \has_error == 0
	pushq	$0
	.endif
	testb	$3, 16(%rsp)		/* CS of the interrupted context */
	jz	1f
	swapgs
1:	PUSH_REGS
	testb	$3, CS_IN_REGS(%rsp)
	jz	2f
	xor	%ebp, %ebp		/* user RBP ends the frame chain */
2:	mov	%rsp, %rdi
	mov	$\vec, %esi
	call	do_trap
	jmp	ret_from_exception
	.size \name, . - \name
	.endm

	TRAP_STUB asm_exc_divide_error, 0, 0
	TRAP_STUB asm_exc_debug, 1, 0
	TRAP_STUB asm_exc_nmi, 2, 0
	TRAP_STUB asm_exc_int3, 3, 0
	TRAP_STUB asm_exc_overflow, 4, 0
	TRAP_STUB asm_exc_bounds, 5, 0
	TRAP_STUB asm_exc_invalid_op, 6, 0
	TRAP_STUB asm_exc_device_not_available, 7, 0
	TRAP_STUB asm_exc_double_fault, 8, 1
	TRAP_STUB asm_exc_coprocessor_segment_overrun, 9, 0
	TRAP_STUB asm_exc_invalid_TSS, 10, 1
	TRAP_STUB asm_exc_segment_not_present, 11, 1
	TRAP_STUB asm_exc_stack_segment, 12, 1
	TRAP_STUB asm_exc_general_protection, 13, 1
	TRAP_STUB asm_exc_page_fault, 14, 1
	TRAP_STUB asm_exc_spurious_15, 15, 0
	TRAP_STUB asm_exc_coprocessor_error, 16, 0
	TRAP_STUB asm_exc_alignment_check, 17, 1
	TRAP_STUB asm_exc_machine_check, 18, 0
	TRAP_STUB asm_exc_simd_coprocessor_error, 19, 0
	TRAP_STUB asm_exc_virtualization, 20, 0
	TRAP_STUB asm_exc_control_protection, 21, 1
	TRAP_STUB asm_exc_reserved_22, 22, 0
	TRAP_STUB asm_exc_reserved_23, 23, 0
	TRAP_STUB asm_exc_reserved_24, 24, 0
	TRAP_STUB asm_exc_reserved_25, 25, 0
	TRAP_STUB asm_exc_reserved_26, 26, 0
	TRAP_STUB asm_exc_reserved_27, 27, 0
	TRAP_STUB asm_exc_reserved_28, 28, 0
	TRAP_STUB asm_exc_reserved_29, 29, 1
	TRAP_STUB asm_exc_security_exception, 30, 1
	TRAP_STUB asm_exc_reserved_31, 31, 0
	TRAP_STUB asm_sysvec_apic_timer_interrupt, 0xec, 0
	TRAP_STUB asm_sysvec_spurious_interrupt, 0xff, 0

/* Leave an exception or interrupt frame with iretq. */
	.globl ret_from_exception
	.type ret_from_exception, @function
ret_from_exception:
	POP_REGS
	add	$8, %rsp		/* orig_ax / error code */
	testb	$3, 8(%rsp)		/* returning to ring 3? */
	jz	1f
	swapgs
1:	iretq
	.size ret_from_exception, . - ret_from_exception

/*
 * syscall: RCX = user RIP, R11 = user RFLAGS, RSP still the user's; FMASK
 * cleared IF, so nothing interrupts us until sysretq/iretq.  Build the
 * pt_regs with orig_ax = syscall number and ax = -ENOSYS, as Linux does.
 */
	.globl entry_SYSCALL_64
	.type entry_SYSCALL_64, @function
entry_SYSCALL_64:
	swapgs
	mov	%rsp, %gs:PCPU_USER_RSP
	mov	%gs:PCPU_TOP_OF_STACK, %rsp
	pushq	$__USER_DS		/* ss */
	pushq	%gs:PCPU_USER_RSP	/* sp */
	pushq	%r11			/* flags */
	pushq	$__USER_CS		/* cs */
	pushq	%rcx			/* ip */
	pushq	%rax			/* orig_ax */
	PUSH_REGS rax=$-ENOSYS
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	call	do_syscall_64
	call	do_signal		/* a pending signal ends the task here */
	POP_REGS
	add	$8, %rsp		/* orig_ax */
	mov	(%rsp), %rcx		/* ip */
	mov	16(%rsp), %r11		/* flags */
	mov	24(%rsp), %rsp		/* user stack */
	swapgs
	sysretq
	.size entry_SYSCALL_64, . - entry_SYSCALL_64

/*
 * A new task's first switch "returns" here (copy_thread put this address
 * above the callee-saved slots); below the stack top waits a pt_regs that
 * enters the program in ring 3.
 */
	.globl ret_from_fork
	.type ret_from_fork, @function
ret_from_fork:
	call	schedule_tail
	jmp	ret_from_exception
	.size ret_from_fork, . - ret_from_fork

/*
 * __switch_to_asm(u64 *prev_sp, u64 next_sp): save the callee-saved
 * registers on the old stack, store RSP, load the new one, pop, return
 * into the new task (where it called us, or ret_from_fork).
 */
	.globl __switch_to_asm
	.type __switch_to_asm, @function
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size __switch_to_asm, . - __switch_to_asm

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:			/* vectors 0..31, used by cpu_init */
	.quad asm_exc_divide_error, asm_exc_debug, asm_exc_nmi
	.quad asm_exc_int3, asm_exc_overflow, asm_exc_bounds
	.quad asm_exc_invalid_op, asm_exc_device_not_available, asm_exc_double_fault
	.quad asm_exc_coprocessor_segment_overrun, asm_exc_invalid_TSS, asm_exc_segment_not_present
	.quad asm_exc_stack_segment, asm_exc_general_protection, asm_exc_page_fault
	.quad asm_exc_spurious_15, asm_exc_coprocessor_error, asm_exc_alignment_check
	.quad asm_exc_machine_check, asm_exc_simd_coprocessor_error, asm_exc_virtualization
	.quad asm_exc_control_protection, asm_exc_reserved_22, asm_exc_reserved_23
	.quad asm_exc_reserved_24, asm_exc_reserved_25, asm_exc_reserved_26
	.quad asm_exc_reserved_27, asm_exc_reserved_28, asm_exc_reserved_29
	.quad asm_exc_security_exception, asm_exc_reserved_31
