// SPDX-License-Identifier: Apache-2.0
/*
 * The exception table (the roles of kernel/extable.c:search_exception_tables
 * and arch/x86/mm/extable.c:fixup_exception).  uaccess.S lists every
 * instruction that may fault on a user address; when one does, the fault
 * handler moves RIP to the fixup and the copy returns an error instead of
 * oopsing.  Linear search: the table has a handful of entries.
 */
#include "uaccess.h"

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

__kprobes const struct exception_table_entry *search_exception_tables(u64 ip)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == ip)
			return e;
	return NULL;
}

__kprobes bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search_exception_tables(regs->ip);
	if (!e)
		return false;
	regs->ip = e->fixup;
	return true;
}

/* The checked wrappers: access_ok first, so kernel addresses are never touched. */
u64 copy_from_user(void *to, const void *from, u64 n)
{
	if (!access_ok(from, n))
		return n;
	return __copy_user(to, from, n);
}

u64 copy_to_user(void *to, const void *from, u64 n)
{
	if (!access_ok(to, n))
		return n;
	return __copy_user(to, from, n);
}

long strncpy_from_user(char *dst, const char *src, long n)
{
	u64 avail = (u64)src < TASK_SIZE_MAX ? TASK_SIZE_MAX - (u64)src : 0;
	if (!avail)
		return -EFAULT;
	if ((u64)n > avail)
		n = (long)avail;
	return __strncpy_from_user(dst, src, n);
}
