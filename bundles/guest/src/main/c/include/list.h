/* SPDX-License-Identifier: Apache-2.0 */
/* Circular doubly linked lists, the shape of Linux's include/linux/list.h. */
#ifndef _LIST_H
#define _LIST_H

#include "types.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(n) { &(n), &(n) }
static inline void INIT_LIST_HEAD(struct list_head *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_head *h) { return h->next == h; }
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}
#define list_entry(p, t, m) container_of(p, t, m)
#define list_for_each(p, h) for (p = (h)->next; p != (h); p = p->next)

#endif
