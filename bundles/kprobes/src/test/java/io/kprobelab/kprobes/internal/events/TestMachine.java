package io.kprobelab.kprobes.internal.events;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.TrapSink;
import io.kprobelab.machine.Vcpu;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A machine for the event and whiteboard tests (after the core tests' FakeMachine): symbols, a
 * sparse memory where unwritten bytes fault, inline stop-machine, and vCPUs that each hand out
 * one register object, as the real machine does, with a settable virtual clock.
 */
public final class TestMachine implements Machine {

    final List<Symbol> syms = new ArrayList<>();
    final Map<Long, Byte> mem = new HashMap<>();
    final List<Vcpu> cpus = new ArrayList<>();
    final List<Regs> regs = new ArrayList<>();
    final long[] retired;

    public TestMachine(int ncpus) {
        retired = new long[ncpus];
        for (int i = 0; i < ncpus; i++) {
            int id = i;
            Regs r = new Regs();
            regs.add(r);
            cpus.add(new Vcpu() {
                @Override public int id() { return id; }
                @Override public Machine machine() { return TestMachine.this; }
                @Override public PtRegs regs() { return r; }
                @Override public GuestMemory memory() { return memory; }
                @Override public long retired() { return retired[id]; }
            });
        }
    }

    public TestMachine sym(String name, long addr, long size, char type) {
        syms.add(new Symbol(name, addr, size, type));
        syms.sort(Comparator.comparing(Symbol::address, Long::compareUnsigned).thenComparing(Symbol::name));
        return this;
    }

    /** The registers vCPU {@code id} hands to trap handlers. */
    public Regs regs(int id) {
        return regs.get(id);
    }

    public void setRetired(int cpu, long insns) {
        retired[cpu] = insns;
    }

    public void pokeU64(long a, long v) {
        for (int i = 0; i < 8; i++) {
            mem.put(a + i, (byte) (v >>> (8 * i)));
        }
    }

    public void pokeString(long a, String s, int len) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < len; i++) {
            mem.put(a + i, i < b.length ? b[i] : 0);
        }
    }

    @Override public List<Vcpu> vcpus() { return cpus; }
    @Override public GuestMemory memory() { return memory; }
    @Override public Optional<ElfImage> image() { return Optional.empty(); }
    @Override public void loadBare(ElfImage image) { throw new UnsupportedOperationException(); }
    @Override public CallResult call(long address, long... args) { throw new UnsupportedOperationException(); }
    @Override public void setTrapSink(TrapSink sink) { }
    @Override public long trapCount(int vector) { return 0; }
    @Override public void resetTrapCounts() { }
    @Override public void stopMachine(Runnable change) { change.run(); }

    /**
     * A kernel profile with the KprobeLab guest's task layout, when a {@code pcpu_area} symbol is
     * defined: {@code current} at 0x08 of it, a task's pid at 0x04 and comm at 0x28; else none.
     */
    @Override
    public io.kprobelab.machine.kernel.KernelProfile kernelProfile() {
        return new io.kprobelab.machine.kernel.SymbolKernelProfile("test", this) {
            @Override
            public long threadSize() {
                return 16 * 1024;
            }

            @Override
            public long current(Vcpu cpu) {
                long area = address("pcpu_area");
                try {
                    return area == 0 ? 0 : memory.readU64(area + 8);
                } catch (MemoryFault e) {
                    return 0;
                }
            }

            @Override
            public int pid(GuestMemory m, long task) {
                try {
                    return task == 0 ? 0 : (int) m.readU64(task + 4);
                } catch (MemoryFault e) {
                    return 0;
                }
            }

            @Override
            public void appendComm(GuestMemory m, long task, StringBuilder out) {
                if (task == 0) {
                    out.append(IDLE_COMM);
                    return;
                }
                try {
                    for (int i = 0; i < 15; i++) {
                        int c = m.readU8(task + 0x28 + i);
                        if (c == 0) {
                            return;
                        }
                        out.append((char) c);
                    }
                } catch (MemoryFault e) {
                    // what was read stays
                }
            }
        };
    }

    private final SymbolTable table = new SymbolTable() {
        @Override public List<Symbol> all() { return syms; }
        @Override public Optional<Symbol> lookup(String name) { return syms.stream().filter(s -> s.name().equals(name)).findFirst(); }
        @Override public List<Symbol> lookupAll(String name) { return syms.stream().filter(s -> s.name().equals(name)).toList(); }
        @Override public Optional<Symbol> symbolAt(long a) { return syms.stream().filter(s -> s.contains(a)).findFirst(); }
    };

    @Override
    public SymbolTable symbols() {
        return table;
    }

    final GuestMemory memory = new GuestMemory() {
        @Override public void read(long a, byte[] d, int o, int l) throws MemoryFault { for (int i = 0; i < l; i++) d[o + i] = (byte) readU8(a + i); }
        @Override public void write(long a, byte[] s, int o, int l) { for (int i = 0; i < l; i++) mem.put(a + i, s[o + i]); }
        @Override public void poke(long a, byte[] s, int o, int l) { write(a, s, o, l); }
        @Override public int readU8(long a) throws MemoryFault {
            Byte b = mem.get(a);
            if (b == null) {
                throw new MemoryFault(a, 0);
            }
            return b & 0xff;
        }
        @Override public long readU64(long a) throws MemoryFault { long v = 0; for (int i = 7; i >= 0; i--) v = (v << 8) | readU8(a + i); return v; }
        @Override public void writeU64(long a, long v) { pokeU64(a, v); }
    };

    /** Registers of one vCPU. */
    public static final class Regs implements PtRegs {
        final Map<Reg, Long> r = new EnumMap<>(Reg.class);
        @Override public long get(Reg reg) { return r.getOrDefault(reg, 0L); }
        @Override public void set(Reg reg, long value) { r.put(reg, value); }
        @Override public long argument(int n) { return get(List.of(Reg.RDI, Reg.RSI, Reg.RDX, Reg.RCX, Reg.R8, Reg.R9).get(n - 1)); }
    }
}
