package io.kprobelab.machine.internal;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.KernelEntry;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.RunResult;
import io.kprobelab.machine.SerialConsole;
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
    /** Port I/O devices: the serial console, the power-off ports. */
    final IoPorts ports = new IoPorts();
    private final PhysicalMemory physView = new PhysView();
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
            c.io = ports;
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
        imageLoaded();
    }

    private final java.util.concurrent.CopyOnWriteArrayList<Runnable> imageListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public AutoCloseable onImageLoaded(Runnable listener) {
        imageListeners.add(listener);
        return () -> imageListeners.remove(listener);
    }

    /** Tells the listeners a new image is in place; one that throws does not stop the others. */
    private void imageLoaded() {
        for (Runnable l : imageListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                System.getLogger(MachineImpl.class.getName()).log(System.Logger.Level.ERROR,
                        "image listener failed: " + e, e);
            }
        }
    }

    private void doLoad(ElfImage img) {
        phys.reset();
        phys.hostText = null;

        long pml4 = phys.allocFrame();
        for (VcpuImpl v : vcpus) {
            Cpu c = v.cpu;
            c.cr3 = pml4;
            c.flushTlb();
            c.clearBlockCache();
            c.setCpl(0);
            c.setRflags(2);
            java.util.Arrays.fill(c.r, 0);
            c.segmentsLive = false;
            c.resetExtendedState();
            c.halted = false;
            c.stiShadow = -1;
            c.idtBase = 0;
            c.idtLimit = 0;
            c.cr4 = Cpu.CR4_BARE; // after a kernel boot too: bare ELFs may use SSE
            java.util.Arrays.fill(c.xmm, 0);
            c.mxcsr = Cpu.MXCSR_RESET;
        }
        ports.reset();
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
        profile = new io.kprobelab.machine.kernel.SymbolKernelProfile("bare", this);
        image = img;
        textCursor = 0;
        phys.executionHooks = java.util.Map.of();
        phys.hostFunctions = java.util.Map.of();
        kernelBooted = false;
    }

    // ------------------------------------------------------------------ kernel boot

    @Override
    public PhysicalMemory physicalMemory() {
        return physView;
    }

    @Override
    public SerialConsole console() {
        return ports.com1;
    }

    @Override
    public void bootKernel(ElfImage img, KernelEntry e) {
        bootKernel(img, e, null);
    }

    @Override
    public void bootKernel(ElfImage img, KernelEntry e, io.kprobelab.machine.kernel.KernelProfile profile) {
        vcpus.get(0).onThread(() -> {
            stopMachine(() -> {
                doBootKernel(img, e);
                this.profile = profile != null ? profile
                        : new io.kprobelab.machine.kernel.SymbolKernelProfile(img.name(), this);
            });
            return null;
        });
        imageLoaded();
    }

    /** The running kernel's profile (bare mode: one from the image's symbols). */
    private volatile io.kprobelab.machine.kernel.KernelProfile profile;

    @Override
    public io.kprobelab.machine.kernel.KernelProfile kernelProfile() {
        io.kprobelab.machine.kernel.KernelProfile p = profile;
        return p != null ? p : io.kprobelab.machine.Machine.super.kernelProfile();
    }

    private void doBootKernel(ElfImage img, KernelEntry e) {
        phys.rewindFrames();
        for (VcpuImpl v : vcpus) {
            Cpu c = v.cpu;
            c.clearBlockCache();
            java.util.Arrays.fill(c.r, 0);
            java.util.Arrays.fill(c.sregs, 0);
            c.resetExtendedState();
            if (e.x2apic()) {
                c.apic.base |= Apic.BASE_EXTD; // as the KprobeLab guest's loader leaves it (BOOT.md)
            }
            // Long mode with paging, as a 64-bit boot loader leaves it (SDM Vol. 3 §9.8.5)
            c.cr0 = 0x80000011L; // PG | ET | PE
            c.cr2 = 0;
            c.cr3 = e.cr3();
            c.cr4 = 0x20; // PAE; no OSFXSR: SSE stays #UD until the kernel enables it
            java.util.Arrays.fill(c.xmm, 0);
            c.mxcsr = Cpu.MXCSR_RESET;
            c.efer = 0x500; // LMA | LME
            c.gdtBase = e.gdtBase();
            c.gdtLimit = e.gdtLimit();
            c.idtBase = 0;
            c.idtLimit = 0;
            c.tr = 0;
            c.fsBase = c.gsBase = c.kernelGsBase = 0;
            c.sregs[0] = c.sregs[2] = c.sregs[3] = 0x10; // ES SS DS
            c.sregs[1] = 0x08; // CS
            c.segmentsLive = true;
            c.cpl = 0;
            c.setRflags(2);
            c.retired = 0;
            c.stiShadow = -1;
            c.halted = v.cpu.id != 0; // the application processors wait (never started)
            c.flushTlb();
        }
        Cpu c0 = vcpus.get(0).cpu;
        c0.rip = e.rip();
        c0.r[4] = e.rsp();
        c0.r[6] = e.rsi();
        ports.reset();
        ports.com1.clear();
        symbols = new ElfSymbolTable(img.symbols());
        image = img;
        textCursor = 0;
        phys.hostFunctions = java.util.Map.of();
        phys.executionHooks = java.util.Map.of();
        stackTop = 0;
        kernelBooted = true;
        callStack = e.callStack();
        // The last page of kprobe_insn_slots is kept for the call sentinel: a HLT at its start.
        long slotsEnd = symbols.lookup("kprobe_insn_slots_end").map(io.kprobelab.machine.Symbol::address).orElse(0L);
        sentinel = 0;
        if (slotsEnd != 0) {
            try {
                vcpus.get(0).memory().poke(slotsEnd - 4096, new byte[] {(byte) 0xf4}, 0, 1);
                sentinel = slotsEnd - 4096;
            } catch (io.kprobelab.machine.MemoryFault ex) {
                sentinel = 0; // not mapped by the loader: no calls
            }
        }
        phys.hostText = null;
        if (e.hostTextEnd() != 0) {
            // The host text area: the call sentinel (a HLT) on its first page, the call stack on
            // its last pages unless the loader gave one, text allocated between them.
            phys.hostText = new HostTextArea(e.hostTextStart(), e.hostTextEnd());
            long f = mapHostPage(e.hostTextStart(), HostTextArea.EXEC);
            phys.mem[(int) f] = (byte) 0xf4;
            sentinel = e.hostTextStart();
            if (callStack == 0) {
                for (long p = e.hostTextEnd() - AREA_STACK_PAGES * 4096L; p != e.hostTextEnd(); p += 4096) {
                    mapHostPage(p, HostTextArea.WRITE);
                }
                callStack = e.hostTextEnd() - 16;
            }
            textCursor = e.hostTextStart() + 4096;
        }
    }

    @Override
    public RunResult runKernel(long maxInstructions) {
        if (maxInstructions <= 0) {
            throw new IllegalArgumentException("maxInstructions must be positive");
        }
        VcpuImpl v = vcpus.get(0);
        return v.onThread(() -> {
            long t0 = System.nanoTime();
            if (!ports.poweredOff) {
                ports.com1.acceptHostInput();
                v.run(-1, maxInstructions, true);
            }
            return new RunResult(ports.poweredOff, ports.exitStatus, v.cpu.retired, System.nanoTime() - t0,
                    ports.resetRequested);
        });
    }

    /** Physical memory for loaders: plain copies; writes drop instructions decoded from the pages. */
    private final class PhysView implements PhysicalMemory {
        @Override
        public long size() {
            return phys.mem.length;
        }

        private void check(long address, long len) {
            if (address < 0 || len < 0 || address + len > phys.mem.length) {
                throw new IndexOutOfBoundsException("physical range 0x" + Long.toHexString(address) + "+" + len
                        + " outside RAM of " + phys.mem.length + " bytes");
            }
        }

        @Override
        public void read(long address, byte[] dst, int off, int len) {
            check(address, len);
            System.arraycopy(phys.mem, (int) address, dst, off, len);
        }

        @Override
        public void write(long address, byte[] src, int off, int len) {
            check(address, len);
            System.arraycopy(src, off, phys.mem, (int) address, len);
            phys.invalidateRange(address, len);
        }

        @Override
        public void zero(long address, long len) {
            check(address, len);
            java.util.Arrays.fill(phys.mem, (int) address, (int) (address + len), (byte) 0);
            phys.invalidateRange(address, (int) len);
        }
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

    /** A kernel was booted ({@link #bootKernel}): its own page tables, not the bare-mode ones. */
    private volatile boolean kernelBooted;

    /** Pages at the end of the host text area for {@link #call}'s stack (writable, never executable). */
    static final int AREA_STACK_PAGES = 8;

    /** Maps a fresh host frame at {@code va} in the host text area. */
    private long mapHostPage(long va, long rights) {
        long f = phys.allocFrame();
        phys.hostText.map(va, f, rights);
        for (VcpuImpl v : vcpus) {
            v.cpu.flushTlbPage(va);
        }
        return f;
    }

    /** {@code module_alloc} in the host text area: fresh host frames, read-only and executable. */
    private long allocateInArea(long near, int pages) {
        HostTextArea area = phys.hostText;
        long va = textCursor;
        long last = va + (long) pages * 4096;
        if (Long.compareUnsigned(last, area.end - AREA_STACK_PAGES * 4096L) > 0) {
            throw new IllegalStateException("the host text area is full (" + ((area.end - area.start) >> 12) + " pages)");
        }
        if (Math.abs(last - near) >= (1L << 31) || Math.abs(va - near) >= (1L << 31)) {
            throw new IllegalStateException("the host text area is not within 2 GB of 0x" + Long.toHexString(near));
        }
        for (long p = va; p != last; p += 4096) {
            mapHostPage(p, HostTextArea.EXEC);
        }
        textCursor = last;
        return va;
    }

    /**
     * {@code module_alloc} on a booted kernel: pages of its {@code kprobe_insn_slots} ..
     * {@code kprobe_insn_slots_end} area (BOOT.md section 2), which the kernel maps read-only and
     * executable in every address space and never uses; the host fills them with poke.
     */
    private long allocateInsnSlots(long near, int pages) {
        long start = symbols.lookup("kprobe_insn_slots").map(io.kprobelab.machine.Symbol::address).orElse(0L);
        long end = symbols.lookup("kprobe_insn_slots_end").map(io.kprobelab.machine.Symbol::address).orElse(0L);
        if (start == 0 || end == 0) {
            throw new IllegalStateException("the booted kernel has no kprobe_insn_slots area");
        }
        end -= 4096; // the call sentinel's page
        long va = textCursor == 0 ? start : textCursor;
        long last = va + (long) pages * 4096;
        if (Long.compareUnsigned(last, end) > 0) {
            throw new IllegalStateException("kprobe_insn_slots exhausted (" + ((end - start) >> 12) + " pages)");
        }
        if (Math.abs(last - near) >= (1L << 31) || Math.abs(va - near) >= (1L << 31)) {
            throw new IllegalStateException("kprobe_insn_slots not within 2 GB of 0x" + Long.toHexString(near));
        }
        textCursor = last;
        return va;
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
            if (kernelBooted) {
                out[0] = phys.hostText != null ? allocateInArea(near, pages) : allocateInsnSlots(near, pages);
                return;
            }
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

    // ------------------------------------------------------------------ execution hooks

    @Override
    public AutoCloseable onExecute(long address, io.kprobelab.machine.ExecutionHook hook) {
        java.util.Objects.requireNonNull(hook, "hook");
        stopMachine(() -> changeHooks(address, hook, true));
        return () -> stopMachine(() -> changeHooks(address, hook, false));
    }

    private void changeHooks(long address, io.kprobelab.machine.ExecutionHook hook, boolean add) {
        java.util.Map<Long, io.kprobelab.machine.ExecutionHook[]> m = new java.util.HashMap<>(phys.executionHooks);
        java.util.List<io.kprobelab.machine.ExecutionHook> list = new java.util.ArrayList<>(
                java.util.Arrays.asList(m.getOrDefault(address, new io.kprobelab.machine.ExecutionHook[0])));
        if (add) {
            list.add(hook);
        } else {
            list.remove(hook);
        }
        if (list.isEmpty()) {
            m.remove(address);
        } else {
            m.put(address, list.toArray(new io.kprobelab.machine.ExecutionHook[0]));
        }
        phys.executionHooks = java.util.Map.copyOf(m);
        // decoded code of that instruction goes, so the next fetch decodes it with the hooks
        for (VcpuImpl v : vcpus) {
            v.cpu.clearBlockCache();
        }
        try {
            GuestMemoryImpl mem = (GuestMemoryImpl) vcpus.get(0).memory();
            phys.invalidateRange(mem.physical(address), 1);
        } catch (io.kprobelab.machine.MemoryFault e) {
            // not mapped now: nothing decoded there
        }
    }

    // ------------------------------------------------------------------ hidden text patches

    private final java.util.List<io.kprobelab.machine.TextWriteListener> textWriteListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void patchText(long address, byte[] bytes, int watch) throws io.kprobelab.machine.MemoryFault {
        int n = Math.max(watch, bytes.length);
        long[] pas = physicalBytes(address, n);
        byte[] copy = bytes.clone();
        stopMachine(() -> {
            for (int i = 0; i < n; i++) {
                if (i < copy.length) {
                    phys.patch(pas[i], address + i, copy[i]);
                } else {
                    phys.watch(pas[i], address + i);
                }
            }
        });
    }

    @Override
    public void unpatchText(long address, int length) throws io.kprobelab.machine.MemoryFault {
        long[] pas = physicalBytes(address, length);
        stopMachine(() -> {
            for (long pa : pas) {
                phys.unpatch(pa);
            }
        });
    }

    /** The physical address of each byte of {@code [address, address+length)} through vCPU 0's tables. */
    private long[] physicalBytes(long address, int length) throws io.kprobelab.machine.MemoryFault {
        GuestMemoryImpl mem = (GuestMemoryImpl) vcpus.get(0).memory();
        long[] pas = new long[length];
        for (int i = 0; i < length; i++) {
            pas[i] = mem.physical(address + i);
        }
        return pas;
    }

    @Override
    public AutoCloseable onTextWritten(io.kprobelab.machine.TextWriteListener listener) {
        textWriteListeners.add(java.util.Objects.requireNonNull(listener));
        return () -> textWriteListeners.remove(listener);
    }

    /** On {@code v}'s thread at an instruction boundary: reports the guest's writes under text patches. */
    void reportTextWrites(VcpuImpl v) {
        long[] w;
        while ((w = phys.textWrites.poll()) != null) {
            for (io.kprobelab.machine.TextWriteListener l : textWriteListeners) {
                try {
                    l.textWritten(v, w[0], (int) w[1]);
                } catch (RuntimeException e) {
                    System.getLogger(MachineImpl.class.getName()).log(System.Logger.Level.ERROR,
                            "text-write listener failed for 0x" + Long.toHexString(w[0]) + ": " + e, e);
                }
            }
        }
    }

    @Override
    public long hostFunction(long near, io.kprobelab.machine.HostFunction fn) {
        java.util.Objects.requireNonNull(fn, "fn");
        long va = allocateKernelText(near, 1);
        byte[] traps = new byte[4096];
        java.util.Arrays.fill(traps, (byte) 0xcc); // only the entry is the function
        try {
            memory().poke(va, traps, 0, traps.length);
        } catch (io.kprobelab.machine.MemoryFault e) {
            throw new IllegalStateException("cannot fill the host function's page: " + e.getMessage(), e);
        }
        synchronized (this) {
            java.util.Map<Long, io.kprobelab.machine.HostFunction> m = new java.util.HashMap<>(phys.hostFunctions);
            m.put(va, fn);
            phys.hostFunctions = java.util.Map.copyOf(m);
        }
        return va;
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
        if (kernelBooted) {
            return doKernelCall(v, address, args);
        }
        if (sentinel == 0) {
            throw new IllegalStateException("no image loaded (loadBare first)");
        }
        Cpu c = v.cpu;
        boolean nested = v.depth() > 0;
        long[] savedR = nested ? c.r.clone() : null;
        long[] savedXmm = nested ? c.xmm.clone() : null; // the callee may clobber call-used XMM registers
        int savedMxcsr = c.mxcsr;
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
                System.arraycopy(savedXmm, 0, c.xmm, 0, savedXmm.length);
                c.mxcsr = savedMxcsr;
                c.rip = savedRip;
                c.setRflags(savedFlags);
                if (c.cpl != savedCpl) {
                    c.cpl = savedCpl;
                    c.flushTlb();
                }
            }
        }
    }

    /** Top of the loader's call stack on a booted kernel (0: calls not possible). */
    private long callStack;

    /**
     * {@link #call} on a booted kernel: ring 0, IF=0, kernel GS base, on the call stack, returning
     * to a HLT in the reserved last page of {@code kprobe_insn_slots}; then everything the
     * interrupted guest can observe is put back (registers, CPL, GS bases, retired count, timer).
     */
    private CallResult doKernelCall(VcpuImpl v, long address, long[] args) {
        Cpu c = v.cpu;
        if (callStack == 0 || sentinel == 0) {
            throw new IllegalStateException("calls need a call stack and a kprobe_insn_slots area from the kernel loader");
        }
        long[] savedR = c.r.clone();
        long[] savedXmm = c.xmm.clone();
        int savedMxcsr = c.mxcsr;
        long savedRip = c.rip, savedFlags = c.rflags(), savedRetired = c.retired;
        boolean savedFrozen = c.timeFrozen;
        long savedGs = c.gsBase, savedKgs = c.kernelGsBase, savedCs = c.sregs[1], savedSs = c.sregs[2];
        long savedShadow = c.stiShadow;
        int savedCpl = c.cpl;
        boolean savedHalted = c.halted;
        boolean nested = v.depth() > 0;
        try {
            long sp = nested && c.cpl == 0 ? ((c.r[4] - 256) & ~15L) : callStack;
            if (Math.max(0, args.length - 6) % 2 != 0) {
                sp -= 8;
            }
            GuestMemory mem = v.memory();
            for (int i = args.length - 1; i >= 6; i--) {
                sp -= 8;
                mem.writeU64(sp, args[i]);
            }
            sp -= 8;
            mem.writeU64(sp, sentinel);
            int[] argRegs = {7, 6, 2, 1, 8, 9};
            for (int i = 0; i < Math.min(6, args.length); i++) {
                c.r[argRegs[i]] = args[i];
            }
            if (c.cpl == 3) { // as the entry code's swapgs would
                c.gsBase = savedKgs;
                c.kernelGsBase = savedGs;
            }
            c.setCpl(0);
            c.r[4] = sp;
            c.rip = address;
            c.setRflags(2);
            c.halted = false;
            c.timeFrozen = true; // the guest's timeline stands still during a host call
            long t0 = System.nanoTime();
            v.run(sentinel + 1, budget);
            long ns = System.nanoTime() - t0;
            return new CallResult(c.r[0], c.retired - savedRetired - 1, ns);
        } catch (io.kprobelab.machine.MemoryFault e) {
            throw new IllegalStateException("call stack not writable: " + e.getMessage(), e);
        } finally {
            System.arraycopy(savedR, 0, c.r, 0, 16);
            System.arraycopy(savedXmm, 0, c.xmm, 0, savedXmm.length);
            c.mxcsr = savedMxcsr;
            c.rip = savedRip;
            c.setRflags(savedFlags);
            c.retired = savedRetired;
            c.timeFrozen = savedFrozen;
            c.gsBase = savedGs;
            c.kernelGsBase = savedKgs;
            c.sregs[1] = savedCs;
            c.sregs[2] = savedSs;
            c.stiShadow = savedShadow;
            c.halted = savedHalted;
            c.setCpl(savedCpl);
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
        if (stopper == Thread.currentThread()) {
            change.run(); // nested: this thread already holds every vCPU parked
            return;
        }
        synchronized (this) {
            while (stopRequested) { // one stop at a time
                waitQuietly();
            }
            stopRequested = true;
            stopper = Thread.currentThread();
            try {
                while (parked < inGuest) {
                    waitQuietly();
                }
                change.run();
            } finally {
                stopper = null;
                stopRequested = false;
                notifyAll();
            }
        }
    }

    /** The thread whose {@link #stopMachine} change is running (every vCPU parked), or null. */
    private volatile Thread stopper;

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
