/* SPDX-License-Identifier: Apache-2.0 */
/* Program entry: the kernel leaves argc at (%rsp) and argv just above it. */
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ebp, %ebp
	mov	(%rsp), %rdi		/* argc */
	lea	8(%rsp), %rsi		/* argv */
	call	main
	mov	%eax, %edi
	call	exit
	hlt				/* not reached; would be a #GP in ring 3 */
