// SPDX-License-Identifier: Apache-2.0
/*
 * Page tables (the roles of arch/x86/mm/init_64.c for the kernel's own map,
 * and of mm/memory.c + kernel/fork.c:mm_init for user address spaces).
 *
 * The kernel's master PML4 (init_top_pgt) maps:
 *   PAGE_OFFSET + pa         -> pa   all RAM, read-write (the direct map)
 *   __START_KERNEL_map + pa  -> pa   the image: text and rodata read-only
 * with 4 KiB pages only.  Each user PML4 copies entries 256..511 (the kernel
 * half) from it; all those entries exist before the first user mm is made.
 */
#include "mm.h"

#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)
#define PD_INDEX(va) (((va) >> 21) & 511)
#define PT_INDEX(va) (((va) >> 12) & 511)
#define _PAGE_PCD_PWT 0x018UL /* uncached, for the xAPIC page */
#define USER_ENTRIES 256

extern char _text[], __start_rodata[], _sdata[], _end[];

u64 init_top_pgt_pa;

static u64 *table_of(u64 entry) { return __va(entry & PTE_ADDR_MASK); }

/* Return the PTE for va, allocating missing tables when alloc is set. */
static u64 *walk(u64 pgd_pa, u64 va, bool alloc)
{
	u64 *table = __va(pgd_pa);
	u64 upper = va < TASK_SIZE_MAX ? _PAGE_PRESENT | _PAGE_RW | _PAGE_USER
				      : _PAGE_PRESENT | _PAGE_RW;
	static const int shifts[3] = { 39, 30, 21 };
	for (int level = 0; level < 3; level++) {
		u64 *e = &table[(va >> shifts[level]) & 511];
		if (!(*e & _PAGE_PRESENT)) {
			if (!alloc)
				return NULL;
			void *next = get_zeroed_page();
			if (!next)
				return NULL;
			*e = __pa(next) | upper;
		}
		table = table_of(*e);
	}
	return &table[PT_INDEX(va)];
}

int map_page(u64 pgd_pa, u64 va, u64 pa, u64 flags)
{
	u64 *pte = walk(pgd_pa, va, true);
	if (!pte)
		return -ENOMEM;
	*pte = (pa & PTE_ADDR_MASK) | flags | _PAGE_PRESENT;
	return 0;
}

void paging_init(u64 ram_size)
{
	u64 *pgd = get_zeroed_page();
	if (!pgd)
		panic("paging_init: no memory");
	init_top_pgt_pa = __pa(pgd);
	for (u64 pa = 0; pa < ram_size; pa += PAGE_SIZE)
		if (map_page(init_top_pgt_pa, (u64)__va(pa), pa, _PAGE_RW))
			panic("paging_init: cannot map RAM");
	for (u64 va = (u64)_text; va < (u64)_end; va += PAGE_SIZE) {
		u64 flags = va >= (u64)_sdata ? _PAGE_RW : 0;
		if (map_page(init_top_pgt_pa, va, va - __START_KERNEL_map, flags))
			panic("paging_init: cannot map the image");
	}
	write_cr3(init_top_pgt_pa);
}

/* Map one MMIO page at its direct-map address, uncached (used for the xAPIC). */
void ioremap_page(u64 pa)
{
	map_page(init_top_pgt_pa, (u64)__va(pa), pa, _PAGE_RW | _PAGE_PCD_PWT);
	invlpg((u64)__va(pa));
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	u64 *pgd = get_zeroed_page();
	if (!pgd) {
		kfree(mm);
		return NULL;
	}
	u64 *kernel = __va(init_top_pgt_pa);
	for (int i = USER_ENTRIES; i < 512; i++)
		pgd[i] = kernel[i];
	mm->pgd = __pa(pgd);
	mm->mmap_base = 0x10000000UL;
	return mm;
}

/* Free every user page and table (the role of exit_mmap + free_pgtables). */
void mm_release(struct mm_struct *mm)
{
	u64 *pgd = __va(mm->pgd);
	for (int i = 0; i < USER_ENTRIES; i++) {
		if (!(pgd[i] & _PAGE_PRESENT))
			continue;
		u64 *pdpt = table_of(pgd[i]);
		for (int j = 0; j < 512; j++) {
			if (!(pdpt[j] & _PAGE_PRESENT))
				continue;
			u64 *pd = table_of(pdpt[j]);
			for (int k = 0; k < 512; k++) {
				if (!(pd[k] & _PAGE_PRESENT))
					continue;
				u64 *pt = table_of(pd[k]);
				for (int l = 0; l < 512; l++)
					if (pt[l] & _PAGE_PRESENT)
						free_pages(table_of(pt[l]), 0);
				free_pages(pt, 0);
			}
			free_pages(pd, 0);
		}
		free_pages(pdpt, 0);
	}
	free_pages(pgd, 0);
	kfree(mm);
}

/* The kernel (direct-map) address behind a user address, or NULL. */
void *user_page_kaddr(struct mm_struct *mm, u64 va)
{
	u64 *pte = walk(mm->pgd, va, false);
	if (!pte || !(*pte & _PAGE_PRESENT))
		return NULL;
	return (u8 *)table_of(*pte) + (va & (PAGE_SIZE - 1));
}

/*
 * Back [start, start+len) with zeroed user pages, writable if asked;
 * -ENOMEM when memory runs out.  Pages already there are left alone.
 */
int mm_populate(struct mm_struct *mm, u64 start, u64 len, bool writable)
{
	for (u64 va = start & ~(PAGE_SIZE - 1); va < start + len; va += PAGE_SIZE) {
		if (user_page_kaddr(mm, va))
			continue;
		void *page = get_zeroed_page();
		if (!page)
			return -ENOMEM;
		if (map_page(mm->pgd, va, __pa(page), (writable ? _PAGE_RW : 0) | _PAGE_USER)) {
			free_pages(page, 0);
			return -ENOMEM;
		}
		mm->nr_pages++;
	}
	return 0;
}
