// SPDX-License-Identifier: Apache-2.0
/*
 * Per-CPU set-up (the roles of arch/x86/kernel/cpu/common.c:cpu_init,
 * idt.c and the syscall MSR set-up in syscall_init): the kernel's GDT with
 * a TSS, the IDT, the per-CPU area behind GS, and syscall/sysret.
 */
#include "kernel.h"
#include "sched.h"

/* Task-state segment, 64-bit layout (SDM Vol.3 §8.7). */
struct tss {
	u32 reserved0;
	u64 rsp0, rsp1, rsp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));

struct idt_entry {
	u16 offset_low, selector;
	u8 ist, type_attr;
	u16 offset_mid;
	u32 offset_high, zero;
} __attribute__((packed));

struct desc_ptr {
	u16 size;
	u64 address;
} __attribute__((packed));

#define IST_DF 1  /* double fault */
#define IST_NMI 2
#define LOCAL_TIMER_VECTOR 0xec
#define SPURIOUS_APIC_VECTOR 0xff
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate: IF cleared */

/*
 * Selectors 0x08 and 0x10 match what the loader enters with (BOOT.md), so
 * loading this GDT needs no far jump.  0x18 is there only because sysretq
 * takes CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8.
 */
static u64 gdt[8] __aligned(16) = {
	0,
	0x00af9a000000ffffUL, /* 0x08 __KERNEL_CS: 64-bit code, DPL 0 */
	0x00cf92000000ffffUL, /* 0x10 __KERNEL_DS */
	0x00cffa000000ffffUL, /* 0x18 __USER32_CS (unused, sysret layout) */
	0x00cff2000000ffffUL, /* 0x20 __USER_DS (selector 0x23) */
	0x00affa000000ffffUL, /* 0x28 __USER_CS: 64-bit code, DPL 3 (0x2b) */
	0, 0,                 /* 0x30 TSS, 16-byte descriptor */
};

struct tss cpu_tss __aligned(16);
static struct idt_entry idt_table[256] __aligned(16);
static u8 df_stack[4096] __aligned(16);
static u8 nmi_stack[4096] __aligned(16);
struct pcpu pcpu_area[1];

extern const u64 trap_stubs[32];
extern char asm_sysvec_apic_timer_interrupt[], asm_sysvec_spurious_interrupt[];
extern char entry_SYSCALL_64[];

static void set_gate(int vec, u64 handler, int ist)
{
	struct idt_entry *e = &idt_table[vec];
	e->offset_low = (u16)handler;
	e->selector = __KERNEL_CS;
	e->ist = (u8)ist;
	e->type_attr = GATE_INTERRUPT;
	e->offset_mid = (u16)(handler >> 16);
	e->offset_high = (u32)(handler >> 32);
	e->zero = 0;
}

void cpu_init(void)
{
	u64 base = (u64)&cpu_tss;
	/* CR0.WP: read-only pages are read-only for ring 0 too (kernel text, user text) */
	write_cr0(read_cr0() | X86_CR0_WP);
	cpu_tss.ist[IST_DF - 1] = (u64)df_stack + sizeof(df_stack);
	cpu_tss.ist[IST_NMI - 1] = (u64)nmi_stack + sizeof(nmi_stack);
	cpu_tss.iomap_base = sizeof(cpu_tss); /* no I/O bitmap: ring 3 has no port access */
	/* available 64-bit TSS (type 9), present, limit = sizeof - 1 */
	gdt[6] = (sizeof(cpu_tss) - 1) | (base & 0xffffff) << 16 | 0x89UL << 40 |
		 ((base >> 24) & 0xff) << 56;
	gdt[7] = base >> 32;
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (u64)gdt };
	asm volatile("lgdt %0" :: "m"(gdtr));
	asm volatile("ltr %w0" :: "r"(GDT_TSS));

	for (int v = 0; v < 32; v++)
		set_gate(v, trap_stubs[v], v == 8 ? IST_DF : v == 2 ? IST_NMI : 0);
	set_gate(LOCAL_TIMER_VECTOR, (u64)asm_sysvec_apic_timer_interrupt, 0);
	set_gate(SPURIOUS_APIC_VECTOR, (u64)asm_sysvec_spurious_interrupt, 0);
	struct desc_ptr idtr = { sizeof(idt_table) - 1, (u64)idt_table };
	asm volatile("lidt %0" :: "m"(idtr));

	/* GS_BASE -> per-CPU area while in the kernel; ring 3 gets 0 via swapgs */
	pcpu_area[0].self = &pcpu_area[0];
	wrmsr(MSR_GS_BASE, (u64)&pcpu_area[0]);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	/* syscall: CS/SS from STAR[47:32]; sysretq: CS/SS from STAR[63:48] */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, (u64)(__USER32_CS & ~3) << 48 | (u64)__KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	/* cleared on syscall: TF, DF, IF, IOPL, NT, AC (as Linux) */
	wrmsr(MSR_FMASK, 0x47700);
}

/* Kernel stack for the next entry from ring 3 (interrupts via TSS.RSP0, syscall via GS). */
__kprobes void set_kernel_stack(u64 top)
{
	cpu_tss.rsp0 = top;
	pcpu_area[0].top_of_stack = top;
}
