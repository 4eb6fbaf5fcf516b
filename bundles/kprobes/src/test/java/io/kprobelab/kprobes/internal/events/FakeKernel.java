package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEventDefinition;
import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small kernel for the parser tests: kallsyms with the selftests' functions (and a non-unique
 * name), function entries at offset 0, every offset ≡ 3 (mod 4) inside a function off an
 * instruction boundary, and a registry of created events.
 */
final class FakeKernel implements ProbeSites, ExistingEvents {

    static final long TEXT = 0xffffffff81000000L;
    static final long VFS_READ = 0xffffffff81200000L;
    static final long KERNEL_CLONE = 0xffffffff81300000L;
    static final long BANNER = 0xffffffff82000000L;
    /** 70 characters: generated event names are cut to 63. */
    static final String LONG_NAME = "a_function_name_long_enough_to_overflow_the_generated_event_name_limit";

    private final List<Symbol> symbols = new ArrayList<>();
    private final Map<String, List<ProbeEventDefinition>> events = new LinkedHashMap<>();
    final ProbeEventParser parser = new ProbeEventParser(this, this);

    FakeKernel() {
        sym("_text", TEXT, 0x1000, 'T');
        sym("vfs_read", VFS_READ, 0x9d, 'T');
        sym("vfs_write", VFS_READ + 0xa0, 0x80, 'T');
        sym("kernel_clone", KERNEL_CLONE, 0xf0, 'T');
        sym("do_exit", KERNEL_CLONE + 0x100, 0x100, 'T');
        sym("kfree", KERNEL_CLONE + 0x200, 0x100, 'T');
        sym("inet_csk_accept", KERNEL_CLONE + 0x300, 0x100, 'T');
        sym("name_show", KERNEL_CLONE + 0x400, 0x40, 't');
        sym("name_show", KERNEL_CLONE + 0x440, 0x40, 't');
        sym("foo.isra.0", KERNEL_CLONE + 0x500, 0x40, 't');
        sym("kprobe_trace_selftest_target", KERNEL_CLONE + 0x600, 0x40, 'T');
        sym(LONG_NAME, KERNEL_CLONE + 0x700, 0x40, 'T');
        sym("linux_proc_banner", BANNER, 0x100, 'D');
        sym("jiffies", BANNER + 0x100, 8, 'D');
    }

    private void sym(String name, long address, long size, char type) {
        symbols.add(new Symbol(name, address, size, type));
        symbols.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
    }

    /** Parses {@code line} and, for a probe, adds it to the registry like a successful write. */
    ProbeEventCommand write(String line) throws ProbeEventException {
        ProbeEventCommand c = parser.parse(line).orElseThrow();
        if (c instanceof ProbeEvent p) {
            ProbeEventDefinition d = p.definition();
            events.computeIfAbsent(d.group() + "/" + d.event(), k -> new ArrayList<>()).add(d);
        } else if (c instanceof ProbeEventRemoval r) {
            boolean any = false;
            for (List<ProbeEventDefinition> probes : events.values()) {
                any |= probes.removeIf(r::matches);
            }
            events.values().removeIf(List::isEmpty);
            if (!any) {
                throw new ProbeEventException(io.kprobelab.kprobes.Errno.ENOENT, line, "no such event");
            }
        }
        return c;
    }

    /** {@code cat kprobe_events}. */
    List<String> readBack() {
        List<String> lines = new ArrayList<>();
        for (List<ProbeEventDefinition> probes : events.values()) {
            for (ProbeEventDefinition d : probes) {
                lines.add(d.toString());
            }
        }
        return lines;
    }

    void clear() {
        events.clear();
    }

    // ProbeSites

    @Override
    public List<Long> addressesOf(String name) {
        List<Long> out = new ArrayList<>();
        for (Symbol s : symbols) {
            if (s.name().equals(name)) {
                out.add(s.address());
            }
        }
        return out;
    }

    @Override
    public boolean isFunctionEntry(String symbol, long offset) {
        return offset == 0 && kallsyms.lookup(symbol).map(Symbol::isText).orElse(false);
    }

    @Override
    public Registration checkRegistration(ProbeEventDefinition d) {
        long addr;
        if (d.symbol().isPresent()) {
            List<Long> found = addressesOf(d.symbol().get());
            if (found.isEmpty()) {
                return Registration.NOT_FOUND;
            }
            addr = found.get(0) + d.offset();
        } else {
            addr = d.address().getAsLong();
        }
        Optional<Symbol> s = kallsyms.symbolAt(addr);
        if (s.isEmpty() || !s.get().isText()) {
            return Registration.REJECTED;
        }
        long off = addr - s.get().address();
        if (d.isReturn() && off != 0) {
            return Registration.REJECTED;
        }
        return off % 4 == 3 ? Registration.NOT_INSN_BOUNDARY : Registration.OK;
    }

    // ExistingEvents

    @Override
    public List<ProbeEventDefinition> probesOf(String group, String event) {
        return events.getOrDefault(group + "/" + event, List.of());
    }

    @Override
    public boolean isOtherEvent(String group, String event) {
        return group.equals("sched") && event.equals("sched_switch");
    }

    /** kallsyms of this kernel. */
    final SymbolTable kallsyms = new SymbolTable() {
        @Override
        public List<Symbol> all() {
            return symbols;
        }

        @Override
        public Optional<Symbol> lookup(String name) {
            return symbols.stream().filter(s -> s.name().equals(name)).findFirst();
        }

        @Override
        public List<Symbol> lookupAll(String name) {
            return symbols.stream().filter(s -> s.name().equals(name)).toList();
        }

        @Override
        public Optional<Symbol> symbolAt(long address) {
            Symbol best = null;
            for (Symbol s : symbols) {
                if (Long.compareUnsigned(s.address(), address) <= 0) {
                    best = s;
                }
            }
            if (best == null || Long.compareUnsigned(address - best.address(), 0x1000) >= 0) {
                return Optional.empty();
            }
            return Optional.of(best);
        }
    };
}
