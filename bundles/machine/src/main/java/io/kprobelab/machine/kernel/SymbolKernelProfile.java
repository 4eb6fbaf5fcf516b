package io.kprobelab.machine.kernel;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.Vcpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A profile read from an image's symbols and sections by the conventions every kernel-style ELF
 * shares: text is {@code _stext} to {@code _etext} (else the executable segments), the blacklist is
 * every function between {@code __kprobes_text_start} and {@code __kprobes_text_end} (else in a
 * {@code .kprobes.text} section). It knows no tasks: bare mode's one implicit task is pid 0,
 * {@code swapper}. Kernel-specific profiles extend it.
 */
public class SymbolKernelProfile implements KernelProfile {

    /** The idle task's name ({@code init_task}'s comm). */
    public static final String IDLE_COMM = "swapper";

    protected final String name;
    protected final Machine machine;
    private volatile List<TextRange> text, blacklist;

    /** The profile of the kernel {@code machine} runs (its symbols and image, read when first needed). */
    public SymbolKernelProfile(String name, Machine machine) {
        this.name = name;
        this.machine = machine;
    }

    /** The kernel's symbols. */
    protected final SymbolTable symbols() {
        return machine.symbols();
    }

    /** The kernel's image, if the machine has one. */
    protected final Optional<ElfImage> image() {
        return machine.image();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long threadSize() {
        return 0;
    }

    @Override
    public long current(Vcpu cpu) {
        return 0;
    }

    @Override
    public long taskOfStack(Vcpu cpu, long address) {
        return 0;
    }

    @Override
    public int pid(GuestMemory memory, long task) {
        return 0;
    }

    @Override
    public void appendComm(GuestMemory memory, long task, StringBuilder out) {
        out.append(IDLE_COMM);
    }

    /**
     * Appends the NUL-terminated string at {@code address} (at most {@code max - 1} characters, as
     * a {@code char[max]} holds), without allocating; on a fault what was read stays.
     */
    protected static void appendString(GuestMemory memory, long address, int max, StringBuilder out) {
        try {
            for (int i = 0; i < max - 1; i++) {
                int c = memory.readU8(address + i);
                if (c == 0) {
                    return;
                }
                out.append((char) c);
            }
        } catch (io.kprobelab.machine.MemoryFault e) {
            // a task being torn down: what was read stays
        }
    }

    /** The address of {@code symbol}, or 0. */
    protected final long address(String symbol) {
        return symbols().lookup(symbol).map(Symbol::address).orElse(0L);
    }

    @Override
    public List<TextRange> text() {
        List<TextRange> t = text;
        if (t == null) {
            long s = address("_stext"), e = address("_etext");
            List<TextRange> out = new ArrayList<>();
            if (s != 0 && e != 0) {
                out.add(new TextRange(s, e, "_stext"));
            } else {
                image().ifPresent(img -> {
                    for (ElfImage.Segment seg : img.segments()) {
                        if (seg.executable() && seg.memSize() > 0) {
                            out.add(new TextRange(seg.vaddr(), seg.vaddr() + seg.memSize(), "text"));
                        }
                    }
                });
            }
            text = t = List.copyOf(out);
        }
        return t;
    }

    @Override
    public List<TextRange> blacklist() {
        List<TextRange> b = blacklist;
        if (b == null) {
            List<TextRange> out = new ArrayList<>();
            long s = address("__kprobes_text_start"), e = address("__kprobes_text_end");
            if (s == 0 || e == 0) {
                long[] sec = image().map(i -> i.section(".kprobes.text")).orElse(null);
                if (sec != null) {
                    s = sec[0];
                    e = sec[1];
                }
            }
            if (s != 0 && e != 0) {
                out.addAll(functionsIn(s, e, ".kprobes.text"));
            }
            blacklist = b = List.copyOf(out);
        }
        return b;
    }

    /**
     * {@code kprobe_add_area_blacklist}: one range per function in {@code [start, end)}, or the
     * area itself named {@code name} when no sized function symbol lies in it.
     */
    protected final List<TextRange> functionsIn(long start, long end, String name) {
        List<TextRange> out = new ArrayList<>();
        for (Symbol sym : symbols().all()) {
            // zero-sized symbols are markers (section bounds), not functions
            if (sym.isText() && sym.size() > 0 && Long.compareUnsigned(sym.address(), start) >= 0
                    && Long.compareUnsigned(sym.address(), end) < 0) {
                out.add(new TextRange(sym.address(), sym.address() + sym.size(), sym.name()));
            }
        }
        if (out.isEmpty() && end != start) {
            out.add(new TextRange(start, end, name));
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
