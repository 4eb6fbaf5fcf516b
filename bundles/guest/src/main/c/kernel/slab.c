// SPDX-License-Identifier: Apache-2.0
/*
 * kmalloc/kfree (the role of mm/slab.c).  Power-of-two classes from 32 to
 * 2048 bytes carved out of whole pages, with one free list per class; larger
 * requests take whole pages.  Every block starts with a 16-byte header that
 * records its class, so kfree needs no size.
 */
#include "mm.h"

#define HDR 16
#define MIN_SHIFT 5  /* 32 bytes */
#define MAX_SHIFT 11 /* 2048 bytes */
#define KM_MAGIC 0x6b6d616c /* "kmal" */

struct header {
	u32 magic;
	u32 shift; /* class: block is 1 << shift bytes; > PAGE_SHIFT means pages */
	u64 pad;
};

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[MAX_SHIFT + 1];

static void *block_alloc(unsigned int shift)
{
	if (!free_lists[shift]) {
		u8 *page = __get_free_pages(0);
		if (!page)
			return NULL;
		for (u64 off = 0; off < PAGE_SIZE; off += 1UL << shift) {
			struct free_block *b = (struct free_block *)(page + off);
			b->next = free_lists[shift];
			free_lists[shift] = b;
		}
	}
	struct free_block *b = free_lists[shift];
	free_lists[shift] = b->next;
	return b;
}

void *kmalloc(size_t size)
{
	size_t total = size + HDR;
	unsigned int shift = MIN_SHIFT;
	while ((1UL << shift) < total)
		shift++;
	struct header *h;
	if (shift <= MAX_SHIFT) {
		h = block_alloc(shift);
	} else {
		if (shift > 24)
			return NULL; /* 16 MiB: more than anyone here needs */
		h = __get_free_pages(shift - PAGE_SHIFT);
	}
	if (!h)
		return NULL;
	h->magic = KM_MAGIC;
	h->shift = shift;
	return (u8 *)h + HDR;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct header *h = (struct header *)((u8 *)p - HDR);
	if (h->magic != KM_MAGIC)
		panic("kfree: bad pointer %p", p);
	h->magic = 0;
	if (h->shift > MAX_SHIFT) {
		free_pages(h, h->shift - PAGE_SHIFT);
		return;
	}
	unsigned int shift = h->shift; /* read before the free-list link overwrites it */
	struct free_block *b = (struct free_block *)h;
	b->next = free_lists[shift];
	free_lists[shift] = b;
}
