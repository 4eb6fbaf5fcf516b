// SPDX-License-Identifier: Apache-2.0
/*
 * QEMU development shim: turn Xen PVH start information into the boot_info
 * the KprobeLab loader provides, then enter startup_64 as the loader would.
 * Not used on the KprobeLab machine.  The temporary page tables from
 * head.S map physical 0..1 GiB at 0, at PAGE_OFFSET and at the kernel map.
 */
#include "kernel.h"
#include "boot.h"

struct hvm_start_info {
	u32 magic; /* 0x336ec578 */
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr, cmdline_paddr, rsdp_paddr;
	u64 memmap_paddr; /* version >= 1 */
	u32 memmap_entries, reserved;
};
struct hvm_memmap_entry {
	u64 addr, size;
	u32 type, reserved;
};

/* outside the .bss that startup_64 clears */
static struct boot_info pvh_boot_info __attribute__((section(".bss..pvh")));

__attribute__((section(".pvh.text"))) void pvh_start_c(u64 start_info_pa)
{
	const struct hvm_start_info *si = __va(start_info_pa);
	struct boot_info *bi = &pvh_boot_info;
	u32 eax, ebx, ecx, edx;

	/* SeaBIOS left the 8259 PICs live: mask them so only the APIC timer interrupts. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->nr_cpus = 1;
	bi->loader_cr3 = read_cr3();
	bi->insns_per_tick = 1000000; /* QEMU's APIC counts at 1 GHz: 1 ms */
	if (si->version >= 1) {
		const struct hvm_memmap_entry *e = __va(si->memmap_paddr);
		for (u32 i = 0; i < si->memmap_entries; i++)
			if (e[i].type == 1 && e[i].addr + e[i].size > bi->ram_size &&
			    e[i].addr + e[i].size <= (1UL << 30))
				bi->ram_size = e[i].addr + e[i].size;
	}
	if (!bi->ram_size)
		bi->ram_size = 64UL << 20;
	if (si->cmdline_paddr)
		strncpy_pad(bi->cmdline, __va(si->cmdline_paddr), BOOT_CMDLINE_SIZE);

	/* x2APIC if the CPU has it (CPUID.1:ECX[21]); otherwise the xAPIC page. */
	asm volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
	if (ecx & (1 << 21))
		wrmsr(0x1b, rdmsr(0x1b) | 0xc00); /* IA32_APIC_BASE: EN | EXTD */
	else
		bi->flags |= BOOT_FLAG_XAPIC_MMIO;

	asm volatile("mov %0, %%rsi; jmp startup_64" :: "r"(__pa_symbol(bi)) : "rsi");
}
