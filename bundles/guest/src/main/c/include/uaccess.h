/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User memory access.  The copy loops (uaccess.S) list each instruction that
 * touches user memory in __ex_table; the page-fault handler resumes at the
 * fixup instead of oopsing (Linux: arch/x86/lib/copy_user_64.S + extable).
 */
#ifndef _UACCESS_H
#define _UACCESS_H

#include "kernel.h"
#include "ptrace.h"

static inline bool access_ok(const void *p, u64 len)
{
	u64 a = (u64)p;
	return a + len >= a && a + len <= TASK_SIZE_MAX;
}

/* uaccess.S: return the number of bytes NOT copied (0 on success). */
u64 __copy_user(void *to, const void *from, u64 n);
/* uaccess.S: copy up to n bytes and a NUL; length, n if no NUL, or -EFAULT. */
long __strncpy_from_user(char *dst, const char *src, long n);

u64 copy_from_user(void *to, const void *from, u64 n);
u64 copy_to_user(void *to, const void *from, u64 n);
long strncpy_from_user(char *dst, const char *src, long n);

struct exception_table_entry {
	u64 insn, fixup;
};
__kprobes bool fixup_exception(struct pt_regs *regs);

#endif
