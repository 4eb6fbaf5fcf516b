/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel entry (the role of arch/x86/kernel/head_64.S).
 *
 * startup_64 is the ELF entry point: the KprobeLab loader jumps here in
 * 64-bit mode, ring 0, IF=0, with its own page tables and GDT, RSI = the
 * physical address of struct boot_info (BOOT.md).  We clear .bss, move to
 * init_task's kernel stack and call start_kernel(boot_info_pa).
 *
 * pvh_start32 is only for development under QEMU: QEMU enters it in 32-bit
 * protected mode (Xen PVH ABI, EBX = hvm_start_info), it builds temporary
 * 2 MiB page tables, enters long mode and reaches startup_64 through
 * pvh_start_c (pvh.c), which fills a boot_info like the loader would.
 */
#define __START_KERNEL_map 0xffffffff80000000
#define THREAD_SIZE 16384
#define _pa(x) ((x) - __START_KERNEL_map)

	.section .head.text, "ax"
	.code64
	.globl startup_64
	.type startup_64, @function
startup_64:
	cld
	mov	%rsi, %r12			/* boot_info physical address */
	/* clear_bss: .bss is ours to zero even if the loader did it already */
	movabs	$__bss_start, %rdi
	movabs	$__bss_stop, %rcx
	sub	%rdi, %rcx
	shr	$3, %rcx
	xor	%eax, %eax
	rep stosq
	/* init_task's stack; start_kernel stores &init_task at its base */
	movabs	$init_thread_union + THREAD_SIZE, %rsp
	xor	%ebp, %ebp			/* end of the frame-pointer chain */
	mov	%r12, %rdi
	call	start_kernel
1:	hlt
	jmp	1b
	.size startup_64, . - startup_64

/*
 * ---- QEMU PVH entry (never used by the KprobeLab loader) ----
 * In .pvh.text, after _etext: outside the probeable text, and a linear
 * disassembly of _stext.._etext never meets this 32-bit code.
 */
	.section .pvh.text, "ax"
	.code32
	.globl pvh_start32
	.type pvh_start32, @function
pvh_start32:
	cli
	cld
	mov	%ebx, %esi			/* hvm_start_info, kept for C */
	lgdt	_pa(pvh_gdt_desc)
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	/* zero pml4, pdpt, pd (3 pages) */
	mov	$_pa(pvh_pgt), %edi
	mov	$(3 * 4096 / 4), %ecx
	xor	%eax, %eax
	rep stosl
	/* pd: 512 x 2 MiB pages covering physical 0..1 GiB */
	mov	$_pa(pvh_pgt) + 2 * 4096, %edi
	mov	$0x83, %eax			/* P | RW | PS */
	mov	$512, %ecx
1:	mov	%eax, (%edi)
	add	$0x200000, %eax
	add	$8, %edi
	loop	1b
	/* one pdpt: [0] identity/direct map, [510] the kernel map */
	mov	$_pa(pvh_pgt) + 2 * 4096 + 3, %eax
	mov	%eax, _pa(pvh_pgt) + 4096
	mov	%eax, _pa(pvh_pgt) + 4096 + 510 * 8
	/* pml4: [0] identity, [273] 0xffff888000000000, [511] 0xffffffff80000000 */
	mov	$_pa(pvh_pgt) + 4096 + 3, %eax
	mov	%eax, _pa(pvh_pgt)
	mov	%eax, _pa(pvh_pgt) + 273 * 8
	mov	%eax, _pa(pvh_pgt) + 511 * 8
	/* long mode: CR4.PAE, CR3, EFER.LME, CR0.PG */
	mov	%cr4, %eax
	or	$0x20, %eax
	mov	%eax, %cr4
	mov	$_pa(pvh_pgt), %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx
	rdmsr
	or	$0x100, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax		/* PG | WP | PE */
	mov	%eax, %cr0
	ljmp	$0x08, $_pa(pvh_start64)

	.code64
pvh_start64:
	movabs	$pvh_stack + 4096, %rsp
	xor	%ebp, %ebp
	mov	%esi, %edi			/* zero-extends hvm_start_info */
	movabs	$pvh_start_c, %rax
	call	*%rax
1:	hlt
	jmp	1b
	.size pvh_start32, . - pvh_start32

	.section .rodata
	.balign 8
pvh_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* 0x10: data, DPL 0 */
pvh_gdt_end:
pvh_gdt_desc:
	.word pvh_gdt_end - pvh_gdt - 1
	.long _pa(pvh_gdt)

	.section .bss..pvh, "aw", @nobits
	.balign 4096
pvh_pgt:
	.skip 3 * 4096
pvh_stack:
	.skip 4096

	/* Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18), read by QEMU -kernel */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4				/* namesz */
	.long 8				/* descsz */
	.long 18			/* type */
	.asciz "Xen"
	.balign 4
	.quad _pa(pvh_start32)
	.balign 4
