package io.kprobelab.machine.internal;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.TrapSink;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.machine.internal.elf.ElfSymbolTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The machine: physical memory, vCPUs (one host thread each), bare-mode loading with real
 * 4-level page tables, host calls into guest functions, trap accounting and stop-machine.
 */
public final class MachineImpl implements Machine {

    /** Default instruction budget of one call (about a minute of guest time). */
    public static final long DEFAULT_BUDGET = 10_000_000_000L;

    /** Bare-mode stack: 1 MiB (room for other people's big frames), with an unmapped guard page beneath. */
    static final long STACK_SIZE = 1024 * 1024;

    /** Stops the vCPU threads of machines nobody references any more. */
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    final PhysMemory phys;
    private final List<VcpuImpl> vcpus;
    private final List<Vcpu> vcpuView;
    private final AtomicLongArray trapCounts = new AtomicLongArray(256);
    volatile TrapSink sink;
    private volatile SymbolTable symbols = new ElfSymbolTable(List.of());
    private volatile ElfImage image;
    private volatile long budget = DEFAULT_BUDGET;
    private long stackTop;
    private long sentinel;

    // stop-machine state, guarded by 'this'
    volatile boolean stopRequested;
    private int inGuest;
    private int parked;

    private MachineImpl(int cpus, int memoryMiB) {
        if (cpus < 1 || memoryMiB < 4 || memoryMiB > 2047) {
            throw new IllegalArgumentException("need 1+ vCPUs and 4..2047 MiB, got " + cpus + ", " + memoryMiB);
        }
        phys = new PhysMemory(memoryMiB << 20);
        List<VcpuImpl> list = new ArrayList<>();
        for (int i = 0; i < cpus; i++) {
            Cpu c = new Cpu(phys, i);
            phys.cpus.add(c);
            list.add(new VcpuImpl(this, c));
        }
        vcpus = Collections.unmodifiableList(list);
        List<java.util.concurrent.BlockingQueue<Runnable>> queues = new ArrayList<>();
        for (VcpuImpl v : list) {
            queues.add(v.tasks());
        }
        CLEANER.register(this, () -> queues.forEach(q -> q.add(VcpuImpl.POISON)));
        vcpuView = Collections.unmodifiableList(new ArrayList<>(list));
        // An empty address space until something is mapped.
        long pml4 = phys.allocFrame();
        for (VcpuImpl v : vcpus) {
            v.cpu.cr3 = pml4;
        }
    }

    /** A new machine with {@code cpus} vCPUs and {@code memoryMiB} MiB of RAM. */
    public static Machine create(int cpus, int memoryMiB) {
        return new MachineImpl(cpus, memoryMiB);
    }

    @Override
    public List<Vcpu> vcpus() {
        return vcpuView;
    }

    VcpuImpl vcpuImpl(int id) {
        return vcpus.get(id);
    }

    @Override
    public GuestMemory memory() {
        return vcpus.get(0).memory();
    }

    @Override
    public SymbolTable symbols() {
        return symbols;
    }

    @Override
    public Optional<ElfImage> image() {
        return Optional.ofNullable(image);
    }

    /**
     * Sets how many instructions one call may retire before it stops with a {@link
     * io.kprobelab.machine.GuestOops} saying the budget ran out (a guest that loops forever).
     */
    public void setInstructionBudget(long instructions) {
        if (instructions <= 0) {
            throw new IllegalArgumentException("budget must be positive");
        }
        budget = instructions;
    }

    // ------------------------------------------------------------------ loading

    @Override
    public void loadBare(ElfImage img) {
        vcpus.get(0).onThread(() -> {
            stopMachine(() -> doLoad(img));
            return null;
        });
    }

    private void doLoad(ElfImage img) {
        phys.reset();
        long pml4 = phys.allocFrame();
        for (VcpuImpl v : vcpus) {
            Cpu c = v.cpu;
            c.cr3 = pml4;
            c.flushTlb();
            c.clearBlockCache();
            c.cpl = 0;
            c.setRflags(2);
            java.util.Arrays.fill(c.r, 0);
        }
        byte[] file = img.fileBytes();
        for (ElfImage.Segment s : img.segments()) {
            if (s.memSize() == 0) {
                continue;
            }
            long start = s.vaddr() & ~0xfffL;
            long end = s.vaddr() + s.memSize();
            for (long va = start; Long.compareUnsigned(va, end) < 0; va += 4096) {
                long frame = mapPage(va, s.writable(), s.executable(), false);
                // copy the file bytes that fall in this page; the rest (bss) stays zero
                long from = Math.max(0, va - s.vaddr());
                long to = Math.min(s.fileSize(), va + 4096 - s.vaddr());
                if (to > from) {
                    long dstOff = s.vaddr() + from - va;
                    System.arraycopy(file, (int) (s.fileOffset() + from), phys.mem, (int) (frame + dstOff),
                            (int) (to - from));
                }
            }
        }
        // Stack and sentinel in the vmalloc-like area, away from the image.
        long base = 0xffffc90000000000L;
        while (overlaps(img, base, 0x200000)) {
            base += 0x200000;
        }
        stackTop = base + 0x1000 + STACK_SIZE; // [base, base+4K) is the guard page, never mapped
        for (long va = base + 0x1000; va < stackTop; va += 4096) {
            mapPage(va, true, false, false);
        }
        sentinel = base + 0x180000; // above the stack, with unmapped pages in between
        long f = mapPage(sentinel, false, true, false);
        phys.mem[(int) f] = (byte) 0xf4; // hlt: a return to here ends the call
        for (VcpuImpl v : vcpus) {
            v.cpu.r[4] = stackTop;
            v.cpu.rip = img.entry();
        }
        symbols = new ElfSymbolTable(img.symbols());
        image = img;
        textCursor = 0;
    }

    private static boolean overlaps(ElfImage img, long base, long len) {
        for (ElfImage.Segment s : img.segments()) {
            if (Long.compareUnsigned(s.vaddr(), base + len) < 0
                    && Long.compareUnsigned(base, s.vaddr() + s.memSize()) < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Maps one 4 KiB page at {@code va} (allocating a zeroed frame if it is not mapped yet) and
     * returns its frame. Upper levels are permissive; the leaf holds the permissions. A page
     * shared by two segments gets the union of their rights.
     */
    long mapPage(long va, boolean writable, boolean executable, boolean user) {
        long table = vcpus.get(0).cpu.cr3 & Mmu.ADDR;
        byte[] mem = phys.mem;
        for (int level = 3; level > 0; level--) {
            int idx = (int) ((va >>> (12 + 9 * level)) & 0x1ff);
            int ea = (int) (table + idx * 8L);
            long e = (long) Cpu.I64.get(mem, ea);
            if ((e & Mmu.P) == 0) {
                long t = phys.allocFrame();
                e = t | Mmu.P | Mmu.RW | Mmu.US;
                Cpu.I64.set(mem, ea, e);
            } else if (user && (e & Mmu.US) == 0) {
                Cpu.I64.set(mem, ea, e | Mmu.US);
            }
            table = e & Mmu.ADDR;
        }
        int ea = (int) (table + ((va >>> 12) & 0x1ff) * 8L);
        long e = (long) Cpu.I64.get(mem, ea);
        long frame;
        if ((e & Mmu.P) == 0) {
            frame = phys.allocFrame();
            e = frame | Mmu.P | (writable ? Mmu.RW : 0) | (user ? Mmu.US : 0) | (executable ? 0 : Mmu.NX);
        } else {
            frame = e & Mmu.ADDR;
            if (writable) {
                e |= Mmu.RW;
            }
            if (executable) {
                e &= ~Mmu.NX;
            }
            if (user) {
                e |= Mmu.US;
            }
        }
        Cpu.I64.set(mem, ea, e);
        for (VcpuImpl v : vcpus) {
            v.cpu.flushTlbPage(va);
        }
        return frame;
    }

    /** Next free address for {@link #allocateKernelText}; 0 until first use after a load. */
    private long textCursor;

    /**
     * {@code module_alloc}: fresh executable, guest-read-only pages placed after the image, so
     * they sit within +-2 GB of its text as RIP-relative relocation needs.
     */
    @Override
    public long allocateKernelText(long near, int pages) {
        long[] out = new long[1];
        stopMachine(() -> {
            if (textCursor == 0) {
                long end = 0;
                ElfImage img = image;
                if (img != null) {
                    for (ElfImage.Segment s : img.segments()) {
                        long e = s.vaddr() + s.memSize();
                        if (Long.compareUnsigned(e, end) > 0 && Math.abs(e - near) < (1L << 31)) {
                            end = e;
                        }
                    }
                }
                if (end == 0) {
                    end = near;
                }
                // A 1 MiB gap after the image, then 2 MiB-aligned: never shares a page with it.
                textCursor = ((end + 0x100000L) + 0x1fffffL) & ~0x1fffffL;
            }
            long va = textCursor;
            long last = va + (long) pages * 4096;
            if (Math.abs(last - near) >= (1L << 31) || Math.abs(va - near) >= (1L << 31)) {
                throw new IllegalStateException("no kernel text space left within 2 GB of 0x" + Long.toHexString(near));
            }
            for (long p = va; p != last; p += 4096) {
                mapPage(p, false, true, false);
            }
            textCursor = last;
            out[0] = va;
        });
        return out[0];
    }

    /** Maps {@code [va, va+len)} page by page (for tests and snippets); returns nothing. */
    public void mapRange(long va, long len, boolean writable, boolean executable, boolean user) {
        for (long p = va & ~0xfffL; Long.compareUnsigned(p, va + len) < 0; p += 4096) {
            mapPage(p, writable, executable, user);
        }
    }

    long stackTop() {
        return stackTop;
    }

    long sentinel() {
        return sentinel;
    }

    // ------------------------------------------------------------------ calls

    @Override
    public CallResult call(long address, long... args) {
        VcpuImpl v = vcpus.get(0);
        return v.onThread(() -> doCall(v, address, args));
    }

    private CallResult doCall(VcpuImpl v, long address, long[] args) {
        if (sentinel == 0) {
            throw new IllegalStateException("no image loaded (loadBare first)");
        }
        Cpu c = v.cpu;
        boolean nested = v.depth() > 0;
        long[] savedR = nested ? c.r.clone() : null;
        long savedRip = c.rip, savedFlags = c.rflags();
        int savedCpl = c.cpl;
        try {
            long sp = nested ? ((c.r[4] - 256) & ~15L) : stackTop;
            int stackArgs = Math.max(0, args.length - 6);
            if ((stackArgs & 1) != 0) {
                sp -= 8;
            }
            GuestMemory mem = v.memory();
            for (int i = args.length - 1; i >= 6; i--) {
                sp -= 8;
                mem.writeU64(sp, args[i]);
            }
            sp -= 8;
            mem.writeU64(sp, sentinel); // at entry RSP % 16 == 8, as the SysV ABI requires
            int[] argRegs = {7, 6, 2, 1, 8, 9};
            for (int i = 0; i < Math.min(6, args.length); i++) {
                c.r[argRegs[i]] = args[i];
            }
            c.r[4] = sp;
            c.rip = address;
            if (c.cpl != 0) {
                c.cpl = 0;
                c.flushTlb(); // translations (and block stamps) were made for another privilege level
            }
            c.setRflags(2);
            long before = c.retired;
            long t0 = System.nanoTime();
            v.run(sentinel + 1, budget);
            long ns = System.nanoTime() - t0;
            long rax = c.r[0];
            return new CallResult(rax, c.retired - before - 1, ns); // the sentinel's hlt is not the callee's
        } catch (io.kprobelab.machine.MemoryFault e) {
            throw new IllegalStateException("bare-mode stack not writable: " + e.getMessage(), e);
        } finally {
            if (nested) {
                System.arraycopy(savedR, 0, c.r, 0, 16);
                c.rip = savedRip;
                c.setRflags(savedFlags);
                if (c.cpl != savedCpl) {
                    c.cpl = savedCpl;
                    c.flushTlb();
                }
            }
        }
    }

    /**
     * Runs vCPU {@code id} from its current registers until a HLT retires at {@code haltRip}
     * (for snippets and tests); returns the instructions retired.
     */
    public long runUntilHalt(int id, long haltRip) {
        VcpuImpl v = vcpus.get(id);
        return v.onThread(() -> {
            long before = v.cpu.retired;
            v.run(haltRip, budget);
            return v.cpu.retired - before;
        });
    }

    // ------------------------------------------------------------------ traps

    @Override
    public void setTrapSink(TrapSink sink) {
        this.sink = sink;
    }

    @Override
    public long trapCount(int vector) {
        return vector >= 0 && vector < 256 ? trapCounts.get(vector) : 0;
    }

    @Override
    public void resetTrapCounts() {
        for (int i = 0; i < 256; i++) {
            trapCounts.set(i, 0);
        }
    }

    void countTrap(int vector) {
        if (vector >= 0 && vector < 256) {
            trapCounts.incrementAndGet(vector);
        }
    }

    // ------------------------------------------------------------------ stop-machine

    @Override
    public void stopMachine(Runnable change) {
        for (VcpuImpl v : vcpus) {
            if (v.onOwnThread()) {
                change.run();
                return;
            }
        }
        synchronized (this) {
            while (stopRequested) { // one stop at a time
                waitQuietly();
            }
            stopRequested = true;
            try {
                while (parked < inGuest) {
                    waitQuietly();
                }
                change.run();
            } finally {
                stopRequested = false;
                notifyAll();
            }
        }
    }

    private void waitQuietly() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in stop-machine", e);
        }
    }

    /** Called by a running vCPU at an instruction boundary when a stop is requested. */
    synchronized void park() {
        parked++;
        notifyAll();
        try {
            while (stopRequested) {
                waitQuietly();
            }
        } finally {
            parked--;
        }
    }

    synchronized void enterGuest() {
        while (stopRequested) {
            waitQuietly();
        }
        inGuest++;
    }

    synchronized void leaveGuest() {
        inGuest--;
        notifyAll();
    }
}
