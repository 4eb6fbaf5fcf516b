package io.kprobelab.machine.internal;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.MemoryFault;

/**
 * Host access to guest-virtual memory through one vCPU's CR3, checked as a supervisor access
 * (CR0.WP honoured for writes). Every write invalidates decoded code on the pages it touches.
 */
final class GuestMemoryImpl implements GuestMemory {

    private final Cpu cpu;

    GuestMemoryImpl(Cpu cpu) {
        this.cpu = cpu;
    }

    private interface Chunk {
        void apply(int pa, int off, int n);
    }

    /** Walks {@code len} bytes page by page; every page is translated before anything is copied. */
    private void each(long address, int len, int acc, Chunk chunk) throws MemoryFault {
        if (len <= 0) {
            return;
        }
        int pages = (int) ((((address & 0xfff) + len - 1) >>> 12) + 1);
        int[] pas = new int[pages];
        for (int i = 0; i < pages; i++) {
            long va = i == 0 ? address : ((address & ~0xfffL) + ((long) i << 12));
            pas[i] = (int) Mmu.walkOrFault(cpu, va, acc);
        }
        int done = 0;
        for (int i = 0; i < pages; i++) {
            int n = Math.min(len - done, 4096 - (pas[i] & 0xfff));
            chunk.apply(pas[i], done, n);
            done += n;
        }
    }

    @Override
    public void read(long address, byte[] dst, int off, int len) throws MemoryFault {
        byte[] mem = cpu.mem;
        each(address, len, Cpu.ACC_READ, (pa, o, n) -> System.arraycopy(mem, pa, dst, off + o, n));
    }

    @Override
    public void fetch(long address, byte[] dst, int off, int len) throws MemoryFault {
        each(address, len, Cpu.ACC_READ, (pa, o, n) -> cpu.phys.fetch(pa, dst, off + o, n));
    }

    /** The physical address of {@code address}, for hidden text patches (MachineImpl.patchText). */
    long physical(long address) throws MemoryFault {
        return Mmu.walkOrFault(cpu, address, Cpu.ACC_READ);
    }

    @Override
    public void write(long address, byte[] src, int off, int len) throws MemoryFault {
        copyIn(address, src, off, len, Cpu.ACC_WRITE);
    }

    @Override
    public void poke(long address, byte[] src, int off, int len) throws MemoryFault {
        copyIn(address, src, off, len, Cpu.ACC_READ); // text_poke: ignores R/W
    }

    private void copyIn(long address, byte[] src, int off, int len, int acc) throws MemoryFault {
        byte[] mem = cpu.mem;
        PhysMemory phys = cpu.phys;
        each(address, len, acc, (pa, o, n) -> {
            System.arraycopy(src, off + o, mem, pa, n);
            phys.invalidateRange(pa, n);
        });
    }

    @Override
    public int readU8(long address) throws MemoryFault {
        return cpu.mem[(int) Mmu.walkOrFault(cpu, address, Cpu.ACC_READ)] & 0xff;
    }

    @Override
    public long readU64(long address) throws MemoryFault {
        byte[] b = new byte[8];
        read(address, b, 0, 8);
        return (long) Cpu.I64.get(b, 0);
    }

    @Override
    public void writeU64(long address, long value) throws MemoryFault {
        byte[] b = new byte[8];
        Cpu.I64.set(b, 0, value);
        write(address, b, 0, 8);
    }

    /** True if {@code address} is mapped readable for the supervisor. */
    boolean mapped(long address) {
        try {
            Mmu.walkOrFault(cpu, address, Cpu.ACC_READ);
            return true;
        } catch (MemoryFault e) {
            return false;
        }
    }
}
