package io.kprobelab.probes.mkdirexit;

import io.kprobelab.kprobes.KretprobeHandler;
import io.kprobelab.kprobes.KretprobeInstance;
import io.kprobelab.kprobes.whiteboard.KprobeProperties;
import io.kprobelab.machine.PtRegs;
import java.io.PrintStream;
import org.osgi.service.component.annotations.Component;

/**
 * The example of commit 73649dab, as a bundle: registering this service is
 * {@code register_kretprobe(&return_probe)} in the module's init, and stopping the bundle is
 * {@code unregister_kretprobe} in its cleanup. The probe point is {@code sys_mkdir} on the
 * KprobeLab guest; Linux 6.1 has no function of that name (its syscall is the wrapper
 * {@code __x64_sys_mkdir}), so there the bundle probes the syscall's implementation,
 * {@code do_mkdirat}, which mkdir(2) and mkdirat(2) both reach.
 */
@Component(service = KretprobeHandler.class,
        property = {KprobeProperties.SYMBOL + "=sys_mkdir", KprobeProperties.SYMBOL + "=do_mkdirat"})
public final class MkdirExit implements KretprobeHandler {

    private final PrintStream console;

    /** Prints to standard output, as {@code printk} prints to the console. */
    public MkdirExit() {
        this(System.out);
    }

    MkdirExit(PrintStream console) {
        this.console = console;
    }

    /**
     * {@code sys_mkdir_exit}: the return value is in RAX ({@code regs_return_value}); as an
     * {@code int}, as do_mkdirat declares it (its upper half of RAX is not part of the value).
     */
    @Override
    public int handle(KretprobeInstance ri, PtRegs regs) {
        console.println("sys_mkdir exited, returned " + (int) regs.returnValue());
        return 0;
    }
}
