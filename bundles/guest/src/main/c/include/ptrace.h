/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registers saved on kernel entry, in the order and with the names of Linux's
 * struct pt_regs (arch/x86/include/asm/ptrace.h), so the kprobes side can
 * read them at the same offsets.  entry.S builds it; 21 quadwords.
 */
#ifndef _PTRACE_H
#define _PTRACE_H

#include "types.h"

struct pt_regs {
	u64 r15, r14, r13, r12, bp, bx;
	u64 r11, r10, r9, r8, ax, cx, dx, si, di;
	u64 orig_ax; /* syscall number, or the exception error code */
	u64 ip, cs, flags, sp, ss; /* the hardware frame */
};

static inline bool user_mode(const struct pt_regs *r) { return (r->cs & 3) == 3; }

#endif
