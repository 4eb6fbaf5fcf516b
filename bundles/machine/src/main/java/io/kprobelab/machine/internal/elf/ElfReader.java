package io.kprobelab.machine.internal.elf;

import io.kprobelab.machine.ElfException;
import io.kprobelab.machine.ElfImage;
import java.nio.file.Path;

/** Placeholder until the ELF loader lands (owner: ELF/bare-mode work). */
public final class ElfReader {
    private ElfReader() {
    }

    public static ElfImage read(Path file) throws ElfException {
        throw new ElfException(file.toString(), "ELF loader not built yet");
    }

    public static ElfImage parse(String name, byte[] bytes) throws ElfException {
        throw new ElfException(name, "ELF loader not built yet");
    }
}
