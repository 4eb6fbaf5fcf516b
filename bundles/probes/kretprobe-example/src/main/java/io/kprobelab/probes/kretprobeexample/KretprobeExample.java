package io.kprobelab.probes.kretprobeexample;

import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeHandler;
import io.kprobelab.kprobes.KretprobeInstance;
import io.kprobelab.kprobes.whiteboard.KprobeProperties;
import io.kprobelab.kprobes.whiteboard.KretprobeHandlers;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Vcpu;
import java.io.PrintStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A kretprobe with an entry handler that stamps the entry time in the instance's private data,
 * and a return handler that prints the return value and how long the call took. Time is virtual:
 * the vCPU's retired instructions, one per nanosecond. Configure {@code kprobe.symbol} (the
 * sample's {@code func}) under PID {@code io.kprobelab.probes.kretprobe_example}.
 */
@Component(service = KretprobeHandler.class,
        configurationPid = "io.kprobelab.probes.kretprobe_example",
        property = {KprobeProperties.SYMBOL + "=do_mkdirat",
                KprobeProperties.DATA_SIZE + ":Integer=8",
                KprobeProperties.MAXACTIVE + ":Integer=20"})
public final class KretprobeExample implements KretprobeHandlers {

    private final Machine machine;
    private final PrintStream console;

    /** Prints to standard output, as {@code pr_info} prints to the console. */
    @Activate
    public KretprobeExample(@Reference Machine machine) {
        this(machine, System.out);
    }

    KretprobeExample(Machine machine, PrintStream console) {
        this.machine = machine;
        this.console = console;
    }

    /** {@code entry_handler}: remember when the call began. */
    @Override
    public int onEntry(KretprobeInstance ri, PtRegs regs) {
        ri.data().putLong(0, now(regs));
        return 0;
    }

    /** {@code ret_handler}. */
    @Override
    public void onReturn(KretprobeInstance ri, PtRegs regs) {
        long delta = now(regs) - ri.data().getLong(0);
        console.printf("%s returned %d and took %d ns to execute%n", name(ri.rp()), regs.returnValue(), delta);
    }

    @Override
    public void planted(Kretprobe rp) {
        console.printf("Planted return probe at %s: 0x%016x%n", name(rp), rp.kp().addr());
    }

    @Override
    public void removed(Kretprobe rp) {
        console.printf("kretprobe at 0x%016x unregistered%n", rp.kp().addr());
        console.printf("Missed probing %d instances of %s%n", rp.nmissed(), name(rp));
    }

    private static String name(Kretprobe rp) {
        return rp == null ? "?" : rp.kp().symbolName();
    }

    /** The virtual time of the vCPU these registers belong to (handlers get that vCPU's regs). */
    private long now(PtRegs regs) {
        for (Vcpu v : machine.vcpus()) {
            if (v.regs() == regs) {
                return v.retired();
            }
        }
        return machine.vcpu(0).retired();
    }
}
