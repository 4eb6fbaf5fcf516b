// SPDX-License-Identifier: Apache-2.0
/*
 * Anonymous memory for user programs (the role of mm/mmap.c, reduced to a
 * bump allocator: addresses are never reused, munmap does not exist, all is
 * freed at exit).  Pages are populated at once, so -ENOMEM is immediate.
 */
#include "kernel.h"
#include "sched.h"
#include "unistd.h"
#include "syscalls.h"

#define MMAP_END 0x0000700000000000UL

long sys_mmap(u64 addr, u64 len, int prot, int flags, int fd, long off)
{
	struct mm_struct *mm = current->mm;
	(void)addr, (void)prot, (void)off; /* hint ignored; everything is read-write */
	if (!len || !(flags & MAP_ANONYMOUS) || fd != -1)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || len >> PAGE_SHIFT > nr_free_pages() || mm->mmap_base + len > MMAP_END)
		return -ENOMEM;
	u64 start = mm->mmap_base;
	long err = mm_populate(mm, start, len, true);
	mm->mmap_base += len; /* even on failure: pages already mapped stay until exit */
	return err ? err : (long)start;
}
