package io.kprobelab.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Trap;
import io.kprobelab.traps.DieNotifier;
import io.kprobelab.traps.NotifyResult;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The packaged bundles in a real framework: a bare ELF booted by the machine component, the
 * machine:* commands through a Gogo session, and a die notifier on the trap path.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MachineShellIT {

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor processor;

    @Inject
    private Machine machine;

    @Configuration
    public Option[] config() throws Exception {
        Path elf = GuestElf.build();
        return options(
                RuntimeSupport.runtime(elf),
                // the test reads the expected kallsyms lines from nm
                systemProperty("kprobelab.itest.elf").value(elf.toString()));
    }

    /** Runs a command as a user would, returning the printed result (empty when null). */
    private String shell(String command) throws Exception {
        return run(command, false);
    }

    /** What a command writes to the session's output, then its printed result. */
    private String printed(String command) throws Exception {
        return run(command, true);
    }

    private String run(String command, boolean withOutput) throws Exception {
        return RuntimeSupport.run(processor, command, withOutput);
    }

    @Test
    public void callAdd3_printsTheExactShellLine() throws Exception {
        // add3 is add, lea, ret (objdump)
        String line = shell("machine:call add3 1 2 3");
        assertTrue(line, line.matches("rax=0x6 insns=" + GuestElf.ADD3_INSNS + " ns=\\d+"));
    }

    @Test
    public void callWithLoop_hexAndNegativeArguments() throws Exception {
        // sum_squares(1000) = 333833500 = 0x13e5e51c
        String line = shell("machine:call sum_squares 0x3e8");
        assertTrue(line, line.matches("rax=0x13e5e51c insns=" + GuestElf.SUM_SQUARES_1000_INSNS + " ns=\\d+"));
        String neg = shell("machine:call add3 -1 0x10 -0x10");
        assertTrue(neg, neg.matches("rax=0xffffffffffffffff insns=" + GuestElf.ADD3_INSNS + " ns=\\d+"));
        String repeat = shell("machine:call --repeat 3 add3 40 1 1");
        assertTrue(repeat, repeat.matches("rax=0x2a insns=" + GuestElf.ADD3_INSNS + " ns=\\d+"));
    }

    @Test
    public void syms_areKallsymsLinesMatchingNm() throws Exception {
        Path elf = Path.of(System.getProperty("kprobelab.itest.elf"));
        assertEquals(GuestElf.nm(elf, "add3"), shell("machine:syms add3"));
        assertEquals(GuestElf.nm(elf, "add3") + "\n" + GuestElf.nm(elf, "bp_add1"), shell("machine:syms '*add*'"));
    }

    @Test
    public void unknownSymbol_failsWithAClearMessage() throws Exception {
        try {
            shell("machine:call no_such_function 1");
            fail("expected an error");
        } catch (IllegalArgumentException e) {
            assertEquals("unknown symbol: no_such_function", e.getMessage());
        }
    }

    @Test
    public void dieNotifier_consumesInt3_andTrapsCountsIt() throws Exception {
        shell("machine:traps --reset");
        List<Long> seenAt = new CopyOnWriteArrayList<>();
        DieNotifier kprobeLike = (cpu, trap) -> {
            if (trap.vector() != Trap.BP) {
                return NotifyResult.DONE;
            }
            seenAt.add(cpu.regs().ip()); // int3 is a trap: RIP is after the 0xCC
            return NotifyResult.STOP;
        };
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(DieNotifier.PRIORITY, Integer.MAX_VALUE);
        ServiceRegistration<DieNotifier> reg = context.registerService(DieNotifier.class, kprobeLike, props);
        try {
            // bp_add1 is int3, lea, ret: the notifier resumes after the int3 and the call completes.
            String line = shell("machine:call bp_add1 41");
            assertTrue(line, line.matches("rax=0x2a insns=\\d+ ns=\\d+"));
            long bpAdd1 = machine.symbols().lookup("bp_add1").orElseThrow().address();
            assertEquals(List.of(bpAdd1 + 1), seenAt);
            assertEquals(KprobeShellIT.TRAPS + "3 #BP 1", shell("machine:traps"));
        } finally {
            reg.unregister();
        }
        // Nobody claims the int3 now: in bare mode the call stops with an oops naming the place.
        try {
            shell("machine:call bp_add1 41");
            fail("expected an oops");
        } catch (GuestOops oops) {
            assertTrue(oops.report(), oops.report().contains("bp_add1+0x1"));
            assertEquals(Trap.BP, oops.trap().vector());
        }
        assertEquals(KprobeShellIT.TRAPS + "3 #BP 2", shell("machine:traps --reset"));
        assertEquals(KprobeShellIT.TRAPS.strip(), shell("machine:traps"));
    }

    @Test
    public void disasm_listsTheWholeFunctionAsObjdump() throws Exception {
        long a = machine.symbols().lookup("add3").orElseThrow().address();
        String hex = Long.toHexString(a);
        assertEquals(String.join("\n",
                hex + " <add3+0x0>: 48 01 f7             add    rdi,rsi",
                Long.toHexString(a + 3) + " <add3+0x3>: 48 8d 04 17          lea    rax,[rdi+rdx*1]",
                Long.toHexString(a + 7) + " <add3+0x7>: c3                   ret"),
                shell("machine:disasm add3 3"));
    }

    @Test
    public void help_describesTheCommands() throws Exception {
        String help = printed("help machine:call");
        assertNotNull(help);
        assertTrue(help, help.contains("call a guest function with integer arguments"));
        assertTrue(help, help.contains("--repeat"));
    }
}
