package io.kprobelab.machine.internal.osgi;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfException;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.SymbolTable;
import io.kprobelab.machine.TrapSink;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.machine.internal.MachineImpl;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The machine as an OSGi service: creates it from configuration PID {@value #PID} and, when the
 * framework property {@value #ELF_PROPERTY} names a file, boots that ELF in bare mode.
 *
 * <p>A configuration change replaces the whole machine (no {@code @Modified}): vCPUs and memory
 * cannot be resized under a running guest, and DS then rebinds every consumer to the new one.
 */
@Component(service = Machine.class, immediate = true, configurationPid = MachineService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MachineService.Config.class)
public final class MachineService implements Machine {

    /** Configuration PID ({@code config/io.kprobelab.machine.cfg}). */
    public static final String PID = "io.kprobelab.machine";

    /** Framework property naming an ELF to boot in bare mode (set by {@code --elf}). */
    public static final String ELF_PROPERTY = "kprobelab.elf";

    private static final System.Logger LOG = System.getLogger(MachineService.class.getName());

    /** The machine's configuration. */
    @ObjectClassDefinition(id = PID, name = "KprobeLab machine",
            description = "The emulated x86-64 machine: vCPUs and physical memory. A change re-creates the machine.")
    public @interface Config {

        /** Number of vCPUs. */
        @AttributeDefinition(name = "vCPUs", description = "Number of virtual CPUs, each on its own host thread",
                min = "1", max = "64")
        int cpus() default 1;

        /** Physical memory in MiB. */
        @AttributeDefinition(name = "Memory (MiB)", description = "Guest physical memory in MiB", min = "1")
        int memory_mib() default 256;
    }

    private final Machine machine;

    /**
     * Creates the machine and, in bare mode, loads the ELF named by {@value #ELF_PROPERTY}. A
     * failure fails the activation with a one-line message (file and problem): DS records it
     * (ServiceComponentRuntime's failure, SCR's log) and the launcher reports it.
     */
    @Activate
    public MachineService(BundleContext context, Config config) {
        Machine m;
        try {
            m = MachineImpl.create(config.cpus(), config.memory_mib());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot create the machine (" + config.cpus() + " vCPUs, "
                    + config.memory_mib() + " MiB): " + e.getMessage(), e);
        }
        String elf = context.getProperty(ELF_PROPERTY);
        if (elf != null && !elf.isBlank()) {
            try {
                m.loadBare(ElfImage.read(Path.of(elf)));
            } catch (ElfException e) {
                close(m);
                throw new IllegalStateException(e.getMessage(), e); // it names the file and the problem
            } catch (RuntimeException e) {
                close(m);
                throw new IllegalStateException(elf + ": " + e.getMessage(), e);
            }
        }
        this.machine = m;
    }

    /** Releases the machine's vCPU threads, if it has any to release. */
    @Deactivate
    public void deactivate() {
        close(machine);
    }

    private static void close(Machine m) {
        if (m instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing the machine: " + e.getMessage(), e);
            }
        }
    }

    // Plain delegation, default methods included (MachineServiceTest checks that every method of
    // Machine is overridden, so a method added to the API cannot silently fall back to a default).

    @Override public List<Vcpu> vcpus() { return machine.vcpus(); }

    @Override public Vcpu vcpu(int id) { return machine.vcpu(id); }

    @Override public GuestMemory memory() { return machine.memory(); }

    @Override public SymbolTable symbols() { return machine.symbols(); }

    @Override public Optional<ElfImage> image() { return machine.image(); }

    @Override public void loadBare(ElfImage image) { machine.loadBare(image); }

    @Override public CallResult call(long address, long... args) { return machine.call(address, args); }

    @Override public CallResult call(String symbol, long... args) { return machine.call(symbol, args); }

    @Override public void setTrapSink(TrapSink sink) { machine.setTrapSink(sink); }

    @Override public long trapCount(int vector) { return machine.trapCount(vector); }

    @Override public void resetTrapCounts() { machine.resetTrapCounts(); }

    @Override public void stopMachine(Runnable change) { machine.stopMachine(change); }

    @Override public <T> T stopped(java.util.function.Supplier<T> read) { return machine.stopped(read); }

    @Override public long allocateKernelText(long near, int pages) { return machine.allocateKernelText(near, pages); }

    @Override public long hostFunction(long near, io.kprobelab.machine.HostFunction fn) { return machine.hostFunction(near, fn); }

    @Override public io.kprobelab.machine.PhysicalMemory physicalMemory() { return machine.physicalMemory(); }

    @Override public void patchText(long address, byte[] bytes) throws io.kprobelab.machine.MemoryFault {
        machine.patchText(address, bytes);
    }

    @Override public void patchText(long address, byte[] bytes, int watch) throws io.kprobelab.machine.MemoryFault {
        machine.patchText(address, bytes, watch);
    }

    @Override public void unpatchText(long address, int length) throws io.kprobelab.machine.MemoryFault {
        machine.unpatchText(address, length);
    }

    @Override public AutoCloseable onExecute(long address, io.kprobelab.machine.ExecutionHook hook) {
        return machine.onExecute(address, hook);
    }

    @Override public AutoCloseable onTextWritten(io.kprobelab.machine.TextWriteListener listener) {
        return machine.onTextWritten(listener);
    }


    @Override public AutoCloseable onImageLoaded(Runnable listener) { return machine.onImageLoaded(listener); }

    @Override public void bootKernel(ElfImage image, io.kprobelab.machine.KernelEntry entry,
            io.kprobelab.machine.kernel.KernelProfile profile) {
        machine.bootKernel(image, entry, profile);
    }

    @Override public io.kprobelab.machine.kernel.KernelProfile kernelProfile() { return machine.kernelProfile(); }

    @Override public void bootKernel(ElfImage image, io.kprobelab.machine.KernelEntry entry) {
        machine.bootKernel(image, entry);
    }

    @Override public io.kprobelab.machine.RunResult runKernel(long maxInstructions) {
        return machine.runKernel(maxInstructions);
    }

    @Override public io.kprobelab.machine.SerialConsole console() { return machine.console(); }

    @Override public String toString() { return "Machine service " + machine; }
}
