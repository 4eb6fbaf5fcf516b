/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copies to and from user memory that may fault (the role of
 * arch/x86/lib/copy_user_64.S and strncpy_from_user).  Each instruction that
 * touches user memory has an __ex_table entry {insn, fixup}; when it faults,
 * fixup_exception() sets RIP to the fixup, which returns the error.
 * Byte loops: simple for the emulator and easy to read in a trace.
 */
	.macro EXTABLE insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
	.endm

	.text
/* u64 __copy_user(void *to, const void *from, u64 n): bytes not copied */
	.globl __copy_user
	.type __copy_user, @function
__copy_user:
	push	%rbp
	mov	%rsp, %rbp
	mov	%rdx, %rax
1:	test	%rax, %rax
	jz	3f
2:	movb	(%rsi), %cl
4:	movb	%cl, (%rdi)
	inc	%rsi
	inc	%rdi
	dec	%rax
	jmp	1b
3:	pop	%rbp
	ret
	EXTABLE 2b, 3b
	EXTABLE 4b, 3b
	.size __copy_user, . - __copy_user

/* long __strncpy_from_user(char *dst, const char *src, long n) */
	.globl __strncpy_from_user
	.type __strncpy_from_user, @function
__strncpy_from_user:
	push	%rbp
	mov	%rsp, %rbp
	xor	%eax, %eax
1:	cmp	%rdx, %rax
	je	3f			/* n bytes and no NUL: return n */
2:	movb	(%rsi,%rax), %cl
	movb	%cl, (%rdi,%rax)
	test	%cl, %cl
	jz	3f			/* return the length */
	inc	%rax
	jmp	1b
3:	pop	%rbp
	ret
4:	mov	$-14, %rax		/* -EFAULT */
	pop	%rbp
	ret
	EXTABLE 2b, 4b
	.size __strncpy_from_user, . - __strncpy_from_user
