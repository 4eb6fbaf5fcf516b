/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user programs, built into the image (the role an initramfs plays):
 * each ELF is included with .incbin, and a table of {name, start, end}
 * in .programs.table lets kernel_spawn find it by name.
 */
	.macro PROGRAM name
	.pushsection .programs.data, "a"
	.balign 16
.L\name\()_start:
	.incbin "\name"
.L\name\()_end:
.L\name\()_name:
	.asciz "\name"
	.popsection
	.pushsection .programs.table, "a"
	.balign 8
	.quad .L\name\()_name, .L\name\()_start, .L\name\()_end
	.popsection
	.endm

	PROGRAM init
	PROGRAM sh
	PROGRAM mkdir
	PROGRAM mkdirbench
	PROGRAM spin
	PROGRAM sleep
	PROGRAM deeprec
	PROGRAM fault
	PROGRAM syscalltest
	PROGRAM kill
