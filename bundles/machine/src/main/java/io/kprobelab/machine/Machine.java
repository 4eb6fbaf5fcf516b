package io.kprobelab.machine;

import java.util.List;
import java.util.Optional;

/**
 * The emulated x86-64 machine: vCPUs, memory, the loaded image's symbols, and trap accounting.
 *
 * <p>Obtain one with {@link Machines} (as a library) or as an OSGi service.
 */
public interface Machine {

    /** The vCPUs, by id. */
    List<Vcpu> vcpus();

    /** vCPU {@code id}. */
    default Vcpu vcpu(int id) {
        return vcpus().get(id);
    }

    /** Guest-virtual memory as vCPU 0 sees it. */
    GuestMemory memory();

    /** Symbols of the loaded image (empty before a load). */
    SymbolTable symbols();

    /** The loaded image, if any. */
    Optional<ElfImage> image();

    /**
     * Loads a static ELF in bare mode: PT_LOAD segments mapped with their permissions in fresh
     * 4-level page tables, a stack, ring 0, no IDT, one implicit task. Replaces any earlier image.
     */
    void loadBare(ElfImage image);

    /**
     * Calls the guest function at {@code address} on vCPU 0 with up to six integer arguments in
     * the SysV registers, and runs until it returns. Callable from any thread; the guest runs on
     * the vCPU's thread. On a booted kernel ({@link #bootKernel}) the call runs in ring 0 with
     * interrupts off on the loader's call stack, in whatever address space is current, and the
     * interrupted state (registers, privilege level, GS bases, virtual time, timer) is restored
     * afterwards: only its memory effects remain.
     *
     * <p>Interrupting the calling thread (the shell's ^C) stops the call at the guest's next
     * instruction boundary outside a single-step, with the same clean-up as a call that returns;
     * the caller's interrupt status is set again.
     *
     * @throws GuestOops             if an unhandled trap stopped the vCPU (the report says where and why)
     * @throws java.util.concurrent.CancellationException if the calling thread was interrupted
     */
    CallResult call(long address, long... args);

    /** {@link #call(long, long...)} by symbol name. */
    default CallResult call(String symbol, long... args) {
        Symbol s = symbols().lookup(symbol)
                .orElseThrow(() -> new IllegalArgumentException("unknown symbol: " + symbol));
        return call(s.address(), args);
    }

    /**
     * Installs the sink offered every trap before delivery (the die-notifier chain); null removes
     * it.
     */
    void setTrapSink(TrapSink sink);

    /** How many traps with {@code vector} were raised since the last reset. */
    long trapCount(int vector);

    /** Zeroes every trap counter. */
    void resetTrapCounts();

    /**
     * Runs {@code change} while every vCPU is parked at an instruction boundary (the kernel's
     * {@code stop_machine}); used to patch guest text and probe tables from other threads. Runs
     * directly when called on a vCPU thread.
     */
    void stopMachine(Runnable change);

    /**
     * {@link #stopMachine} for a read: {@code read}'s result, computed with every vCPU parked at an
     * instruction boundary, so guest memory is consistent even while the guest runs.
     */
    default <T> T stopped(java.util.function.Supplier<T> read) {
        Object[] result = new Object[1];
        stopMachine(() -> result[0] = read.get());
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    /**
     * Maps {@code pages} fresh zeroed 4 KiB pages of host-reserved physical memory (memory the
     * guest kernel never allocates) at a free kernel virtual address within +-2 GB of
     * {@code near}, executable and read-only to the guest ({@link GuestMemory#poke} writes it),
     * in every address space; the kernel's {@code module_alloc}, used for kprobes instruction
     * slots and the kretprobe trampoline.
     *
     * @return the virtual address of the first page
     */
    default long allocateKernelText(long near, int pages) {
        throw new UnsupportedOperationException("allocateKernelText is not available on this machine");
    }

    /**
     * Places {@code fn} in guest kernel text, within +-2 GB of {@code near}, on a page of its own
     * ({@link #allocateKernelText}; every other byte of it is {@code int3}). A vCPU that reaches
     * the returned address, by a jump, a call or a return, runs {@code fn} instead of guest
     * instructions, as one retired instruction and without any trap, then goes on at the RIP
     * {@code fn} left. This is how trampolines reach the kernel's C handlers, which are Java here
     * (the kretprobe-booster's {@code trampoline_handler}). A new image removes it.
     *
     * @return the function's guest address
     */
    default long hostFunction(long near, HostFunction fn) {
        throw new UnsupportedOperationException("hostFunction is not available on this machine");
    }

    /**
     * Lays {@code bytes} over the guest's text at {@code address} for instruction fetches only: the
     * vCPUs execute them, while the guest's own reads and writes of that memory see and change its
     * own bytes (a hidden breakpoint, like DRAKVUF's shadow pages or QEMU's gdbstub). A guest
     * that verifies or rewrites its text (Linux's ftrace, jump labels, text_poke, its own kprobes)
     * never meets the host's bytes; when it writes under a patch, {@link #onTextWritten} listeners
     * are told. Callable from any thread: the change is made with every vCPU parked.
     *
     * @throws MemoryFault if {@code address} is not mapped in the current address space
     */
    default void patchText(long address, byte[] bytes) throws MemoryFault {
        patchText(address, bytes, bytes.length);
    }

    /**
     * {@link #patchText(long, byte[])} that also reports guest writes to the {@code watch} bytes
     * from {@code address} (at least the patched ones): a breakpoint watches its whole instruction,
     * so a guest that rewrites any of it is noticed.
     */
    default void patchText(long address, byte[] bytes, int watch) throws MemoryFault {
        throw new UnsupportedOperationException("patchText is not available on this machine");
    }

    /** Removes the text patches of {@code [address, address+length)}: fetches see the guest's bytes again. */
    default void unpatchText(long address, int length) throws MemoryFault {
        throw new UnsupportedOperationException("unpatchText is not available on this machine");
    }

    /**
     * Calls {@code listener} whenever the guest writes under a text patch ({@link TextWriteListener}).
     *
     * @return closing it removes the listener
     */
    default AutoCloseable onTextWritten(TextWriteListener listener) {
        throw new UnsupportedOperationException("onTextWritten is not available on this machine");
    }

    /**
     * Runs {@code hook} whenever a vCPU is about to execute the instruction at {@code address}
     * (kernel text, the same in every address space): host instrumentation that costs the guest
     * no trap and no virtual time, as a kernel's own call to a hook would (kprobes uses it where
     * the kernel calls {@code kprobe_flush_task}). A new image removes every hook.
     *
     * @return closing it removes the hook
     */
    default AutoCloseable onExecute(long address, ExecutionHook hook) {
        throw new UnsupportedOperationException("onExecute is not available on this machine");
    }

    /** Guest physical memory, for boot loaders and host-side devices. */
    default PhysicalMemory physicalMemory() {
        throw new UnsupportedOperationException("physicalMemory is not available on this machine");
    }

    /**
     * Makes {@code image} the running kernel: its symbols become {@link #symbols()}, every vCPU is
     * reset, and vCPU 0 gets the entry state of {@code entry}; the other vCPUs stay halted.
     * Memory is not touched: the loader has already placed the image, page tables and boot data
     * through {@link #physicalMemory()}. Run it with {@link #runKernel}.
     */
    default void bootKernel(ElfImage image, KernelEntry entry) {
        throw new UnsupportedOperationException("bootKernel is not available on this machine");
    }

    /**
     * {@link #bootKernel(ElfImage, KernelEntry)} with the loader's {@code profile} of the kernel,
     * which {@link #kernelProfile} then returns (the listeners of {@link #onImageLoaded} see it).
     */
    default void bootKernel(ElfImage image, KernelEntry entry, io.kprobelab.machine.kernel.KernelProfile profile) {
        throw new UnsupportedOperationException("bootKernel is not available on this machine");
    }

    /**
     * The running kernel's profile: the one its loader gave {@link #bootKernel}, or one read from
     * the image's symbols ({@link io.kprobelab.machine.kernel.SymbolKernelProfile}) for a bare ELF
     * or a kernel booted without one.
     */
    default io.kprobelab.machine.kernel.KernelProfile kernelProfile() {
        return new io.kprobelab.machine.kernel.SymbolKernelProfile("bare", this);
    }

    /**
     * Runs vCPU 0 of a booted kernel from its current state until the guest powers off or
     * {@code maxInstructions} more instructions have retired (idle time counts: HLT advances
     * virtual time to the next timer interrupt). Returns at once after power-off, and early
     * (at an instruction boundary) when the calling thread is interrupted, with its interrupt
     * status set again.
     *
     * @throws GuestOops if the kernel stopped with an unhandled trap (e.g. a triple fault)
     */
    default RunResult runKernel(long maxInstructions) {
        throw new UnsupportedOperationException("runKernel is not available on this machine");
    }

    /** The serial console (port 0x3f8) output. */
    default SerialConsole console() {
        throw new UnsupportedOperationException("console is not available on this machine");
    }

    /**
     * Calls {@code listener} after every {@link #loadBare} or {@link #bootKernel}, once the new
     * image's memory and symbols are in place (on the thread that loaded it). Whatever was
     * written into guest memory before, such as planted breakpoints, is gone: users of guest
     * text (kprobes) re-plant from here.
     *
     * @return closing it removes the listener
     */
    default AutoCloseable onImageLoaded(Runnable listener) {
        throw new UnsupportedOperationException("onImageLoaded is not available on this machine");
    }
}
