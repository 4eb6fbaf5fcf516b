// SPDX-License-Identifier: Apache-2.0
/*
 * The local APIC timer (the role of arch/x86/kernel/apic/apic.c for the
 * timer only).  x2APIC registers are MSRs 0x800 + (xAPIC offset >> 4).  On
 * the KprobeLab machine the count decrements once per retired instruction,
 * so a tick is exactly boot_info.insns_per_tick instructions.  Under the
 * QEMU shim (no x2APIC in TCG) the same registers are reached through the
 * xAPIC MMIO page instead.
 */
#include "kernel.h"
#include "boot.h"
#include "mm.h"

#define APIC_DEFAULT_PHYS_BASE 0xfee00000UL
#define X2APIC_EOI 0x80b
#define X2APIC_SPIV 0x80f
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_TMICT 0x838 /* initial count */
#define X2APIC_TDCR 0x83e  /* divide configuration */
#define APIC_SPIV_ENABLE 0x100
#define APIC_LVT_TIMER_PERIODIC (1 << 17)
#define APIC_TDR_DIV_1 0xb

static bool xapic_mmio;

static void apic_write(u32 msr, u32 v)
{
	if (xapic_mmio)
		*(volatile u32 *)((u8 *)__va(APIC_DEFAULT_PHYS_BASE) + ((msr - 0x800) << 4)) = v;
	else
		wrmsr(msr, v);
}

__kprobes void apic_eoi(void)
{
	apic_write(X2APIC_EOI, 0);
}

void apic_timer_init(u64 insns_per_tick, u32 flags, int vector, int spurious)
{
	if (flags & BOOT_FLAG_XAPIC_MMIO) {
		xapic_mmio = true;
		ioremap_page(APIC_DEFAULT_PHYS_BASE);
	}
	apic_write(X2APIC_SPIV, APIC_SPIV_ENABLE | spurious);
	apic_write(X2APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(X2APIC_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | vector);
	apic_write(X2APIC_TMICT, (u32)insns_per_tick);
}
