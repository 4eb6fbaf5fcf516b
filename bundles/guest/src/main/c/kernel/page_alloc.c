// SPDX-License-Identifier: Apache-2.0
/*
 * The physical page allocator (the role of mm/page_alloc.c).  A bitmap of
 * 4 KiB frames with first-fit search for 2^order naturally aligned frames:
 * tiny, deterministic, and enough for kernel stacks (order 2, 16 KiB
 * aligned), page tables and user pages.  Pages are handed out as
 * direct-map addresses.
 */
#include "mm.h"

#define MAX_PFN (MAX_RAM >> PAGE_SHIFT)

static u64 frame_bitmap[MAX_PFN / 64]; /* 1 = in use */
static u64 first_pfn, end_pfn, free_count;
static u64 search_start; /* every frame below it is in use */

static bool test_pfn(u64 pfn) { return frame_bitmap[pfn / 64] >> (pfn % 64) & 1; }
static void set_pfn(u64 pfn) { frame_bitmap[pfn / 64] |= 1UL << (pfn % 64); }
static void clear_pfn(u64 pfn) { frame_bitmap[pfn / 64] &= ~(1UL << (pfn % 64)); }

/* Frames [first_free_pa, ram_size) are free; the image and the loader's data lie below. */
void page_alloc_init(u64 first_free_pa, u64 ram_size)
{
	if (ram_size > MAX_RAM)
		ram_size = MAX_RAM;
	first_pfn = ALIGN_UP(first_free_pa, PAGE_SIZE) >> PAGE_SHIFT;
	end_pfn = ram_size >> PAGE_SHIFT;
	free_count = end_pfn > first_pfn ? end_pfn - first_pfn : 0;
	search_start = first_pfn;
}

void *__get_free_pages(unsigned int order)
{
	u64 n = 1UL << order;
	for (u64 pfn = ALIGN_UP(search_start, n); pfn + n <= end_pfn; pfn += n) {
		u64 i;
		if (n <= 64 && frame_bitmap[pfn / 64] == ~0UL) { /* 64 used frames: skip */
			pfn = ALIGN_UP(pfn + 1, 64) - n;
			continue;
		}
		for (i = 0; i < n && !test_pfn(pfn + i); i++)
			;
		if (i < n)
			continue;
		for (i = 0; i < n; i++)
			set_pfn(pfn + i);
		free_count -= n;
		if (pfn == search_start)
			search_start = pfn + n;
		return __va(pfn << PAGE_SHIFT);
	}
	return NULL;
}

/* Zero a page with rep stosq: 512 iterations instead of a 4096-byte loop. */
void clear_page(void *page)
{
	u64 count = PAGE_SIZE / 8;
	asm volatile("rep stosq" : "+D"(page), "+c"(count) : "a"(0UL) : "memory");
}

void *get_zeroed_page(void)
{
	void *p = __get_free_pages(0);
	if (p)
		clear_page(p);
	return p;
}

void free_pages(void *addr, unsigned int order)
{
	u64 pfn = __pa(addr) >> PAGE_SHIFT;
	for (u64 i = 0; i < (1UL << order); i++) {
		if (!test_pfn(pfn + i))
			panic("free_pages: frame %lx is not allocated", pfn + i);
		clear_pfn(pfn + i);
	}
	free_count += 1UL << order;
	if (pfn < search_start)
		search_start = pfn;
}

u64 nr_free_pages(void)
{
	return free_count;
}
