package io.kprobelab.shell.internal;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A machine with one flat mapped range of memory, a symbol list and scripted calls. */
final class FakeMachine implements Machine {

    final long base;
    final byte[] ram;
    final List<Symbol> syms = new ArrayList<>();
    final long[] trapCounts = new long[256];
    final Map<Reg, Long> regs = new EnumMap<>(Reg.class);
    final List<long[]> calls = new ArrayList<>();
    Function<long[], CallResult> onCall = a -> new CallResult(0, 0, 0);
    boolean stopped;

    FakeMachine(long base, byte[] ram) {
        this.base = base;
        this.ram = ram;
        for (Reg r : Reg.values()) {
            regs.put(r, 0L);
        }
    }

    FakeMachine sym(String name, long address, long size, char type) {
        syms.add(new Symbol(name, address, size, type));
        syms.sort(Comparator.comparingLong(Symbol::address).thenComparing(Symbol::name));
        return this;
    }

    /** XMM0..15, low and high quadwords. */
    final long[] xmm = new long[32];

    private final Vcpu cpu = new Vcpu() {
        @Override public int id() { return 0; }
        @Override public Machine machine() { return FakeMachine.this; }
        @Override public GuestMemory memory() { return mem; }
        @Override public long retired() { return 42; }
        @Override public PtRegs regs() {
            if (!stopped) {
                throw new IllegalStateException("regs read while the vCPU runs");
            }
            return new PtRegs() {
                @Override public long get(Reg reg) { return regs.get(reg); }
                @Override public void set(Reg reg, long value) { regs.put(reg, value); }
                @Override public long argument(int n) { throw new UnsupportedOperationException(); }
                @Override public long xmm(int n, boolean high) { return xmm[2 * n + (high ? 1 : 0)]; }
            };
        }
    };

    private final GuestMemory mem = new GuestMemory() {
        private int index(long address, int len) throws MemoryFault {
            long off = address - base;
            if (off < 0 || off + len > ram.length) {
                throw new MemoryFault(off < 0 || off >= ram.length ? address : base + ram.length, 0);
            }
            return (int) off;
        }
        @Override public void read(long address, byte[] dst, int off, int len) throws MemoryFault {
            System.arraycopy(ram, index(address, len), dst, off, len);
        }
        @Override public void write(long address, byte[] src, int off, int len) throws MemoryFault {
            System.arraycopy(src, off, ram, index(address, len), len);
        }
        @Override public void poke(long address, byte[] src, int off, int len) throws MemoryFault {
            write(address, src, off, len);
        }
        @Override public int readU8(long address) throws MemoryFault { return ram[index(address, 1)] & 0xff; }
        @Override public long readU64(long address) throws MemoryFault { throw new UnsupportedOperationException(); }
        @Override public void writeU64(long address, long value) { throw new UnsupportedOperationException(); }
    };

    private final SymbolTable table = new SymbolTable() {
        @Override public List<Symbol> all() { return syms; }
        @Override public Optional<Symbol> lookup(String name) {
            return syms.stream().filter(s -> s.name().equals(name)).findFirst();
        }
        @Override public List<Symbol> lookupAll(String name) {
            return syms.stream().filter(s -> s.name().equals(name)).toList();
        }
        @Override public Optional<Symbol> symbolAt(long address) {
            return syms.stream().filter(s -> s.contains(address)).findFirst();
        }
    };

    @Override public List<Vcpu> vcpus() { return List.of(cpu); }
    @Override public GuestMemory memory() { return mem; }
    @Override public SymbolTable symbols() { return table; }
    @Override public Optional<ElfImage> image() { return Optional.empty(); }
    @Override public void loadBare(ElfImage image) { throw new UnsupportedOperationException(); }
    @Override public CallResult call(long address, long... args) {
        long[] rec = new long[args.length + 1];
        rec[0] = address;
        System.arraycopy(args, 0, rec, 1, args.length);
        calls.add(rec);
        return onCall.apply(rec);
    }
    @Override public void setTrapSink(TrapSink sink) { }
    @Override public long trapCount(int vector) { return trapCounts[vector]; }
    @Override public void resetTrapCounts() { java.util.Arrays.fill(trapCounts, 0); }
    @Override public void stopMachine(Runnable change) {
        stopped = true;
        try {
            change.run();
        } finally {
            stopped = false;
        }
    }
}
