package io.kprobelab.linux;

/**
 * A {@code PT_LOAD} segment of a kernel ELF with both of its addresses: the loader copies it to
 * {@code paddr}, the kernel runs it at {@code vaddr} once its own page tables are live.
 *
 * @param paddr      p_paddr: where the boot loader places it (LOAD_PHYSICAL_ADDR and up)
 * @param vaddr      p_vaddr: its kernel virtual address ({@code __START_KERNEL_map} + paddr for text
 *                   and data; a per-CPU segment of an SMP kernel is linked at 0)
 * @param fileOffset p_offset
 * @param fileSize   p_filesz
 * @param memSize    p_memsz; the bytes past fileSize are zero (bss, brk)
 * @param executable PF_X
 * @param writable   PF_W
 */
public record LoadSegment(long paddr, long vaddr, long fileOffset, long fileSize, long memSize,
                          boolean executable, boolean writable) {

    /** One past the last physical byte. */
    public long paddrEnd() {
        return paddr + memSize;
    }
}
