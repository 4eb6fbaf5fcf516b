package io.kprobelab.linux.internal.symbols;

import io.kprobelab.linux.LoadSegment;
import io.kprobelab.linux.internal.image.KernelElf;
import java.util.List;

/**
 * The kernel image as memory at its virtual addresses, read from the ELF file's PT_LOAD
 * contents (what the loader copies; bss reads as zero).
 */
public final class KernelMemory {

    private final byte[] file;
    private final List<LoadSegment> segments;

    private KernelMemory(byte[] file, List<LoadSegment> segments) {
        this.file = file;
        this.segments = segments;
    }

    /** The image of {@code elf}. */
    public static KernelMemory of(KernelElf elf) {
        return new KernelMemory(elf.image().fileBytes(), elf.segments());
    }

    /** {@code len} bytes at virtual {@code va}, or null when they are not all inside one segment. */
    public byte[] read(long va, int len) {
        for (LoadSegment s : segments) {
            if (Long.compareUnsigned(va - s.vaddr(), s.memSize()) < 0 && Long.compareUnsigned(va, s.vaddr()) >= 0) {
                long off = va - s.vaddr();
                if (off + len > s.memSize()) {
                    return null;
                }
                byte[] out = new byte[len];
                long inFile = Math.max(0, Math.min(len, s.fileSize() - off));
                if (inFile > 0) {
                    System.arraycopy(file, (int) (s.fileOffset() + off), out, 0, (int) inFile);
                }
                return out;
            }
        }
        return null;
    }

    /** The segments. */
    public List<LoadSegment> segments() {
        return segments;
    }

    /** The file bytes the segments index. */
    public byte[] file() {
        return file;
    }
}
