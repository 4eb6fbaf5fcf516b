/* SPDX-License-Identifier: Apache-2.0 */
/* Physical pages, kmalloc and page tables. */
#ifndef _MM_H
#define _MM_H

#include "kernel.h"

/* Page-table entry bits (SDM Vol.3 §4.5). Only 4 KiB pages are used. */
#define _PAGE_PRESENT 0x001UL
#define _PAGE_RW 0x002UL
#define _PAGE_USER 0x004UL
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define MAX_RAM (1UL << 30) /* the allocator's bitmap covers 1 GiB */

/* page_alloc.c: the role of mm/page_alloc.c, as a bitmap of 4 KiB frames */
void page_alloc_init(u64 first_free_pa, u64 ram_size);
void *__get_free_pages(unsigned int order);
void *get_zeroed_page(void);
void clear_page(void *page);
void free_pages(void *addr, unsigned int order);
u64 nr_free_pages(void);

/* slab.c: kmalloc/kfree over the page allocator */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

/* An address space: a PML4 whose upper half is shared with the kernel. */
struct mm_struct {
	u64 pgd;        /* physical address of the PML4 (what CR3 holds) */
	u64 mmap_base;  /* next free address for anonymous mmap */
	u64 nr_pages;   /* user pages mapped */
};

/* paging.c: the roles of arch/x86/mm/init_64.c and mm/memory.c */
extern u64 init_top_pgt_pa;
void paging_init(u64 ram_size);
int map_page(u64 pgd_pa, u64 va, u64 pa, u64 flags);
struct mm_struct *mm_alloc(void);
void mm_release(struct mm_struct *mm);
void *user_page_kaddr(struct mm_struct *mm, u64 va);
int mm_populate(struct mm_struct *mm, u64 start, u64 len, bool writable);
void ioremap_page(u64 pa);

#endif
