package io.kprobelab.kprobes.internal.events;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.SymbolTable;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/** Registers, sparse memory (4 KiB pages; anything unmapped faults) and a task for fetch tests. */
final class FakeGuest implements FetchContext {

    private final long[] regs = new long[Reg.values().length];
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    /** The pages again, searchable without boxing: the allocation test must see only the engine. */
    private long[] pageKeys = new long[0];
    private byte[][] pageData = new byte[0][];
    private final SymbolTable symbols;
    private final long[] entryData;
    String comm = "bash";

    FakeGuest(SymbolTable symbols, long[] entryData) {
        this.symbols = symbols;
        this.entryData = entryData;
    }

    FakeGuest set(Reg r, long v) {
        regs[r.ordinal()] = v;
        return this;
    }

    FakeGuest map(long address, int length) {
        for (long p = address & ~0xfffL; Long.compareUnsigned(p, address + length) < 0; p += 4096) {
            pages.putIfAbsent(p, new byte[4096]);
        }
        pageKeys = new long[pages.size()];
        pageData = new byte[pages.size()][];
        int i = 0;
        for (var e : pages.entrySet()) {
            pageKeys[i] = e.getKey();
            pageData[i++] = e.getValue();
        }
        return this;
    }

    FakeGuest poke(long address, byte[] bytes) {
        map(address, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            pages.get((address + i) & ~0xfffL)[(int) ((address + i) & 0xfff)] = bytes[i];
        }
        return this;
    }

    FakeGuest pokeString(long address, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] z = java.util.Arrays.copyOf(b, b.length + 1);
        return poke(address, z);
    }

    FakeGuest pokeU64(long address, long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return poke(address, b);
    }

    private final PtRegs ptRegs = new PtRegs() {
        @Override
        public long get(Reg reg) {
            return regs[reg.ordinal()];
        }

        @Override
        public void set(Reg reg, long value) {
            regs[reg.ordinal()] = value;
        }

        @Override
        public long argument(int n) {
            throw new UnsupportedOperationException("the fetch engine reads arguments itself");
        }
    };

    private final GuestMemory memory = new GuestMemory() {
        @Override
        public void read(long address, byte[] dst, int off, int len) throws MemoryFault {
            for (int i = 0; i < len; i++) {
                dst[off + i] = (byte) readU8(address + i);
            }
        }

        @Override
        public void write(long address, byte[] src, int off, int len) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void poke(long address, byte[] src, int off, int len) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int readU8(long address) throws MemoryFault {
            long key = address & ~0xfffL;
            for (int i = 0; i < pageKeys.length; i++) {
                if (pageKeys[i] == key) {
                    return pageData[i][(int) (address & 0xfff)] & 0xff;
                }
            }
            throw new MemoryFault(address, 0);
        }

        @Override
        public long readU64(long address) throws MemoryFault {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) readU8(address + i) << (8 * i);
            }
            return v;
        }

        @Override
        public void writeU64(long address, long value) {
            throw new UnsupportedOperationException();
        }
    };

    @Override
    public PtRegs regs() {
        return ptRegs;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public SymbolTable symbols() {
        return symbols;
    }

    @Override
    public CharSequence comm() {
        return comm;
    }

    @Override
    public long entryData(int slot) {
        return entryData[slot];
    }
}
