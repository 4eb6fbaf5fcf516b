package io.kprobelab.probes.kprobeexample;

import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobePostHandler;
import io.kprobelab.kprobes.KprobePreHandler;
import io.kprobelab.kprobes.whiteboard.KprobeProperties;
import io.kprobelab.machine.PtRegs;
import java.io.PrintStream;
import org.osgi.service.component.annotations.Component;

/**
 * A kprobe with both handlers on {@code symbol} (the sample's {@code module_param}): configure
 * {@code kprobe.symbol} (and {@code kprobe.offset}) under PID
 * {@code io.kprobelab.probes.kprobe_example}; DS passes the configuration to the service
 * properties the whiteboard reads.
 */
@Component(service = {KprobePreHandler.class, KprobePostHandler.class},
        configurationPid = "io.kprobelab.probes.kprobe_example",
        property = KprobeProperties.SYMBOL + "=do_mkdirat")
public final class KprobeExample implements KprobePreHandler, KprobePostHandler {

    private final PrintStream console;

    /** Prints to standard output, as {@code pr_info} prints to the console. */
    public KprobeExample() {
        this(System.out);
    }

    KprobeExample(PrintStream console) {
        this.console = console;
    }

    /** {@code handler_pre}: the x86 sample prints the address, RIP and RFLAGS. */
    @Override
    public int handle(Kprobe p, PtRegs regs) {
        console.printf("<%s> p->addr = 0x%016x, ip = %x, flags = 0x%x%n", p.symbolName(), p.addr(), regs.ip(),
                regs.flags());
        return 0;
    }

    /** {@code handler_post}. */
    @Override
    public void handle(Kprobe p, PtRegs regs, long flags) {
        console.printf("<%s> p->addr = 0x%016x, flags = 0x%x%n", p.symbolName(), p.addr(), regs.flags());
    }
}
