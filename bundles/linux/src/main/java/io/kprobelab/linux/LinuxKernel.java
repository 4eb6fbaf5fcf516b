package io.kprobelab.linux;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A Linux x86-64 kernel read from a {@code vmlinux} ELF or a {@code bzImage}, ready for
 * {@link LinuxBoot#boot}: its load segments at their physical addresses, its entry, its symbols
 * and, on demand, its BTF.
 *
 * <p>Symbols come from the first source that has them ({@link SymbolSource}): the ELF's
 * {@code .symtab}; else a {@code System.map} (given, or found beside the kernel as
 * {@code System.map} or {@code System.map-VERSION}; Debian's one-line stub is ignored); else the
 * kernel's own kallsyms tables.
 */
@ProviderType
public interface LinuxKernel {

    /** The file it was read from (a synthetic name for bytes). */
    String name();

    /**
     * The vmlinux ELF as {@link io.kprobelab.machine.Machine#bootKernel} takes it, with
     * {@link #symbols()} as its symbols. For a bzImage it is the ELF inside the payload. Its
     * {@link ElfImage#entry()} is the entry's virtual address ({@code startup_64}).
     */
    ElfImage elf();

    /** e_entry: the physical address of {@code startup_64}, where a 64-bit loader enters. */
    long entryPhysical();

    /** The PT_LOAD segments in file order. */
    List<LoadSegment> loadSegments();

    /** The bzImage's setup header; empty for a plain vmlinux. */
    Optional<SetupHeader> setupHeader();

    /** The bzImage payload's compression ({@code gzip}, {@code xz}, {@code lz4}, ...); empty for a vmlinux. */
    Optional<String> compression();

    /** The kernel's symbols, kallsyms style, sorted by address then name. */
    List<Symbol> symbols();

    /** Where {@link #symbols()} came from. */
    SymbolSource symbolSource();

    /**
     * The kernel's BTF: the ELF's {@code .BTF} section, or else the bytes between the symbols
     * {@code __start_BTF} and {@code __stop_BTF} of its image. Parsed on first use.
     *
     * @throws LinuxImageException if it has none or it is malformed
     */
    Btf btf() throws LinuxImageException;

    /** Reads {@code kernel} (vmlinux or bzImage), looking for a System.map beside it when it has no {@code .symtab}. */
    static LinuxKernel open(Path kernel) throws LinuxImageException {
        return io.kprobelab.linux.internal.image.KernelReader.open(kernel, null);
    }

    /** Reads {@code kernel} with symbols from {@code systemMap} when it has no {@code .symtab} (null: look beside it). */
    static LinuxKernel open(Path kernel, Path systemMap) throws LinuxImageException {
        return io.kprobelab.linux.internal.image.KernelReader.open(kernel, systemMap);
    }

    /** Reads kernel bytes (vmlinux or bzImage); {@code name} is used in messages. No System.map is looked for. */
    static LinuxKernel parse(String name, byte[] bytes) throws LinuxImageException {
        return io.kprobelab.linux.internal.image.KernelReader.parse(name, bytes);
    }
}
