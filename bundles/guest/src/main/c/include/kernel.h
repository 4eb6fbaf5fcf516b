/* SPDX-License-Identifier: Apache-2.0 */
/* Common kernel declarations: printk, strings, port and MSR access. */
#ifndef _KERNEL_H
#define _KERNEL_H

#include "types.h"
#include "errno.h"
#include "lib.h"

/*
 * Code that must never be probed: entry paths, trap handlers, the context
 * switch and the exception fixup.  Linux 2.6.12 marked it the same way.
 */
#define __kprobes __attribute__((__section__(".kprobes.text"), __noinline__))
#define __noreturn __attribute__((noreturn))
#define noinline __attribute__((__noinline__))
#define __aligned(n) __attribute__((aligned(n)))
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Virtual layout (the same bases as Linux x86-64 without KASLR). */
#define __START_KERNEL_map 0xffffffff80000000UL
#define PAGE_OFFSET 0xffff888000000000UL /* direct map of all RAM */
#define TASK_SIZE_MAX 0x00007ffffffff000UL /* end of user space */
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define __va(pa) ((void *)((u64)(pa) + PAGE_OFFSET))
#define __pa(va) ((u64)(va) - PAGE_OFFSET)
#define __pa_symbol(va) ((u64)(va) - __START_KERNEL_map)

/* GDT selectors; BOOT.md fixes them because the loader uses the first two. */
#define __KERNEL_CS 0x08
#define __KERNEL_DS 0x10
#define __USER32_CS 0x1b /* placeholder that sysretq's selector arithmetic needs */
#define __USER_DS 0x23
#define __USER_CS 0x2b
#define GDT_TSS 0x30

/* printk.c */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void serial_putc(char c);
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__noreturn void machine_power_off(int code);
void show_backtrace(u64 rbp);

static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port)
{
	u8 v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}
static inline u64 read_cr2(void)
{
	u64 v;
	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline u64 read_cr3(void)
{
	u64 v;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline u64 read_cr0(void)
{
	u64 v;
	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}
static inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
#define X86_CR0_WP (1UL << 16)
static inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void invlpg(u64 va) { asm volatile("invlpg (%0)" :: "r"(va) : "memory"); }

#define MSR_EFER 0xc0000080
#define EFER_SCE 1
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#endif
