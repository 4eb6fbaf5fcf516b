package io.kprobelab.kprobes.internal;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A machine with symbols, a sparse memory and inline stop-machine: enough for the core's logic. */
final class FakeMachine implements Machine {

    final List<Symbol> syms = new ArrayList<>();
    final Map<Long, Byte> mem = new HashMap<>();
    int stopMachineCalls;

    FakeMachine sym(String name, long addr, long size, char type) {
        syms.add(new Symbol(name, addr, size, type));
        syms.sort(Comparator.comparing(Symbol::address, Long::compareUnsigned));
        return this;
    }

    @Override public List<Vcpu> vcpus() { return List.of(cpu); }
    @Override public GuestMemory memory() { return memory; }
    @Override public Optional<ElfImage> image() { return Optional.empty(); }
    @Override public void loadBare(ElfImage image) { throw new UnsupportedOperationException(); }
    @Override public CallResult call(long address, long... args) { throw new UnsupportedOperationException(); }
    @Override public void setTrapSink(TrapSink sink) { }
    @Override public long trapCount(int vector) { return 0; }
    @Override public void resetTrapCounts() { }

    @Override
    public void stopMachine(Runnable change) {
        stopMachineCalls++;
        change.run();
    }

    @Override
    public SymbolTable symbols() {
        return new SymbolTable() {
            @Override public List<Symbol> all() { return syms; }
            @Override public Optional<Symbol> lookup(String name) { return syms.stream().filter(s -> s.name().equals(name)).findFirst(); }
            @Override public List<Symbol> lookupAll(String name) { return syms.stream().filter(s -> s.name().equals(name)).toList(); }
            @Override public Optional<Symbol> symbolAt(long a) { return syms.stream().filter(s -> s.contains(a)).findFirst(); }
        };
    }

    final GuestMemory memory = new GuestMemory() {
        @Override public void read(long a, byte[] d, int o, int l) { for (int i = 0; i < l; i++) d[o + i] = mem.getOrDefault(a + i, (byte) 0); }
        @Override public void write(long a, byte[] s, int o, int l) { for (int i = 0; i < l; i++) mem.put(a + i, s[o + i]); }
        @Override public void poke(long a, byte[] s, int o, int l) { write(a, s, o, l); }
        @Override public int readU8(long a) { return mem.getOrDefault(a, (byte) 0) & 0xff; }
        @Override public long readU64(long a) { long v = 0; for (int i = 7; i >= 0; i--) v = (v << 8) | readU8(a + i); return v; }
        @Override public void writeU64(long a, long v) { for (int i = 0; i < 8; i++) mem.put(a + i, (byte) (v >>> (8 * i))); }
    };

    final Vcpu cpu = new Vcpu() {
        @Override public int id() { return 0; }
        @Override public Machine machine() { return FakeMachine.this; }
        @Override public PtRegs regs() { return new FakeRegs(); }
        @Override public GuestMemory memory() { return memory; }
        @Override public long retired() { return 0; }
    };

    static final class FakeRegs implements PtRegs {
        final Map<Reg, Long> r = new EnumMap<>(Reg.class);
        @Override public long get(Reg reg) { return r.getOrDefault(reg, 0L); }
        @Override public void set(Reg reg, long value) { r.put(reg, value); }
        @Override public long argument(int n) { return get(List.of(Reg.RDI, Reg.RSI, Reg.RDX, Reg.RCX, Reg.R8, Reg.R9).get(n - 1)); }
    }

    @SuppressWarnings("unused")
    private static void unused() throws MemoryFault { }
}
