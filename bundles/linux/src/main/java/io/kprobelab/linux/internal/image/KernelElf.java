package io.kprobelab.linux.internal.image;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.LoadSegment;
import io.kprobelab.machine.ElfException;
import io.kprobelab.machine.ElfImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel's vmlinux ELF: the machine's ELF reader validates it, and this adds what only a kernel
 * has, the physical side of its program headers. The kernel's linker script makes e_entry the
 * <em>physical</em> address of {@code startup_64} ({@code ENTRY(phys_startup_64)} in
 * arch/x86/kernel/vmlinux.lds.S) and gives every PT_LOAD a p_paddr (from LOAD_PHYSICAL_ADDR up)
 * besides its p_vaddr in the kernel text map.
 *
 * <p>The machine's reader checks e_entry against virtual addresses, as bare mode needs; for a
 * kernel it is handed a copy whose e_entry is the same instruction's virtual address (the only
 * byte changed), so every other check of that reader still applies.
 *
 * @param image    the ELF as the machine reads it; {@code image.entry()} is virtual
 * @param entry    e_entry as the file gives it (physical)
 * @param segments the PT_LOAD segments with memory, in file order
 */
public record KernelElf(ElfImage image, long entry, List<LoadSegment> segments) {

    private static final int PT_LOAD = 1, PF_X = 1, PF_W = 2, ET_EXEC = 2;

    /** Validates a kernel ELF. */
    public static KernelElf parse(String name, byte[] bytes) throws LinuxImageException {
        if (!plainX8664Elf(bytes)) {
            try {
                ElfImage.parse(name, bytes); // says what is wrong with it, in the machine's words
            } catch (ElfException e) {
                throw wrap(name, e);
            }
            throw new LinuxImageException(name, "not an ELF64 little-endian x86-64 file");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if ((b.getShort(16) & 0xffff) != ET_EXEC) {
            throw new LinuxImageException(name, "e_type " + (b.getShort(16) & 0xffff)
                    + " is not ET_EXEC (2): a kernel vmlinux is a fixed-address executable");
        }
        long entry = b.getLong(24);
        List<LoadSegment> loads = programHeaders(name, b);
        long virtualEntry = entry;
        boolean inVirtual = false;
        for (LoadSegment s : loads) {
            inVirtual |= s.executable() && Long.compareUnsigned(entry - s.vaddr(), s.memSize()) < 0
                    && Long.compareUnsigned(entry, s.vaddr()) >= 0;
        }
        byte[] forMachine = bytes;
        if (!inVirtual) {
            LoadSegment home = null;
            for (LoadSegment s : loads) {
                if (s.executable() && entry >= s.paddr() && entry < s.paddrEnd()) {
                    home = s;
                }
            }
            if (home == null) {
                throw new LinuxImageException(name, String.format(
                        "e_entry 0x%x is in no executable PT_LOAD segment, neither physically nor virtually", entry));
            }
            virtualEntry = home.vaddr() + (entry - home.paddr());
            forMachine = bytes.clone();
            ByteBuffer.wrap(forMachine).order(ByteOrder.LITTLE_ENDIAN).putLong(24, virtualEntry);
        }
        try {
            return new KernelElf(ElfImage.parse(name, forMachine), entry, loads);
        } catch (ElfException e) {
            throw wrap(name, e);
        }
    }

    /** ELF magic, ELFCLASS64, ELFDATA2LSB, EM_X86_64 (62): the header fields read here before the machine's reader runs. */
    private static boolean plainX8664Elf(byte[] b) {
        return b.length >= 64 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F' && b[4] == 2 && b[5] == 1
                && (b[18] & 0xff) == 62 && b[19] == 0;
    }

    private static LinuxImageException wrap(String name, ElfException e) {
        String m = e.getMessage();
        String prefix = name + ": ";
        return new LinuxImageException(name, m.startsWith(prefix) ? m.substring(prefix.length()) : m);
    }

    private static List<LoadSegment> programHeaders(String name, ByteBuffer b) throws LinuxImageException {
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff, phnum = b.getShort(0x38) & 0xffff;
        if (phentsize != 56 || phoff < 0 || phoff + (long) phnum * 56 > b.capacity()) {
            throw new LinuxImageException(name, String.format(
                    "program header table (%d entries of %d bytes at 0x%x) does not fit the file (%d bytes)",
                    phnum, phentsize, phoff, b.capacity()));
        }
        List<LoadSegment> out = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + i * 56L);
            int flags = b.getInt(h + 4);
            long memsz = b.getLong(h + 0x28);
            if (b.getInt(h) != PT_LOAD || memsz == 0) {
                continue;
            }
            out.add(new LoadSegment(b.getLong(h + 0x18), b.getLong(h + 0x10), b.getLong(h + 8), b.getLong(h + 0x20),
                    memsz, (flags & PF_X) != 0, (flags & PF_W) != 0));
        }
        return out;
    }
}
