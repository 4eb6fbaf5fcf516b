package io.kprobelab.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.events.ProbeEvents;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The kprobe:* commands over the packaged kprobes core and x86-64 arch, on a gcc-built bare ELF:
 * a scripted session as a user types it, asserting every view's exact output.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KprobeShellIT {

    @Inject
    private CommandProcessor processor;

    // Injected so the session starts only once the core and the tracefs surface are up.
    @Inject
    private KprobeRegistry registry;

    @Inject
    private ProbeEvents events;

    @Inject
    private org.osgi.service.cm.ConfigurationAdmin configurations;

    @Inject
    private org.osgi.framework.BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        return options(RuntimeSupport.runtime(GuestElf.build()));
    }

    /** machine:traps' header. */
    static final String TRAPS = "# vector name count, since boot or the last machine:traps --reset\n";

    /** Runs a command as a user would; its output then its printed result (empty when null). */
    private String shell(String command) throws Exception {
        return RuntimeSupport.run(processor, command, true);
    }

    /** Leaves no event behind, and the default generation, whatever a test did. */
    @After
    public void cleanUp() throws Exception {
        for (String e : events.names()) {
            events.disable(e);
            events.remove(e);
        }
        registry.setEnabled(true);
        shell("kprobe:generation 2005");
    }

    @Test
    public void scriptedSession_everyViewExact_2005() throws Exception {
        assertEquals("2005", shell("kprobe:generation"));
        assertEquals("", shell("kprobe:add 'p:myprobe kprobe_target %di'"));
        // single quotes keep $retval from Gogo's variable expansion
        assertEquals("", shell("kprobe:add 'r:myretprobe kprobe_target $retval'"));
        // r1: a kretprobe's maxactive as register_kretprobe set it: NR_CPUS, as the 2005 rule
        // gives for a kernel that is not preemptible (1 vCPU)
        assertEquals("p:kprobes/myprobe kprobe_target arg1=%di\n"
                + "r1:kprobes/myretprobe kprobe_target arg1=$retval", shell("kprobe:events"));
        assertEquals("", shell("kprobe:enable myprobe"));
        assertEquals("", shell("kprobe:enable myretprobe"));
        shell("machine:traps --reset");

        String call = shell("machine:call kprobe_caller 30");
        assertTrue(call, call.matches("rax=0xa insns=\\d+ ns=\\d+"));

        assertEquals("  myprobe                                                    1               0\n"
                + "  myretprobe                                                 1               0", shell("kprobe:profile"));
        // kprobes/list: the aggregated probe's children, the later one first (list_add_rcu)
        String addr = shell("machine:syms kprobe_target").split(" ")[0];
        assertEquals(addr + "  r  kprobe_target+0x0    \n" + addr + "  k  kprobe_target+0x0    ", shell("kprobe:list"));
        // bare mode: the implicit task is <idle>-0 with interrupts off; the timestamp is the
        // vCPU's virtual time (retired instructions as ns), a few dozen since boot here
        assertEquals(String.join("\n",
                "# tracer: nop",
                "#",
                "# entries-in-buffer/entries-written: 2/2   #P:1",
                "#",
                "#                                _-----=> irqs-off/BH-disabled",
                "#                               / _----=> need-resched",
                "#                              | / _---=> hardirq/softirq",
                "#                              || / _--=> preempt-depth",
                "#                              ||| / _-=> migrate-disable",
                "#                              |||| /     delay",
                "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
                "#              | |         |   |||||     |         |",
                "          <idle>-0       [000] d....     0.000000: myprobe: (kprobe_target+0x0/0x20) arg1=0x1e",
                "          <idle>-0       [000] d....     0.000000: myretprobe: "
                        + "(kprobe_caller+0xd/0x20 <- kprobe_target) arg1=0xa"),
                shell("kprobe:trace"));
        // 2005: entry #BP (both probes share it) + #DB after the displaced instruction,
        // trampoline #BP + #DB after its nop
        assertEquals(TRAPS + "1 #DB 2\n3 #BP 2", shell("machine:traps"));

        String before = shell("kprobe:events");
        try {
            shell("kprobe:add 'p:bad kprobe_target+1'");
            fail("a probe inside an instruction was accepted");
        } catch (IllegalArgumentException e) {
            assertEquals("error: Probe point is not an instruction boundary\n"
                    + "  Command: p:bad kprobe_target+1\n"
                    + "                 ^", e.getMessage());
        }
        assertEquals(before, shell("kprobe:events"));

        try {
            shell("kprobe:generation 2.6.13");
            fail("switched generation with probes registered");
        } catch (IllegalStateException e) {
            assertEquals(Errno.EBUSY, ((KprobeException) e.getCause()).errno());
            assertEquals("EBUSY: cannot switch to generation 2.6.13 while 2 probe(s) are registered", e.toString());
        }

        assertEquals("", shell("kprobe:disable myprobe"));
        assertEquals("", shell("kprobe:remove myprobe"));
        try {
            shell("kprobe:remove myretprobe");
            fail("removed an enabled event");
        } catch (IllegalStateException e) {
            assertEquals("EBUSY: kprobes/myretprobe is enabled", e.getMessage());
        }
        assertEquals("r1:kprobes/myretprobe kprobe_target arg1=$retval", shell("kprobe:events"));
        assertEquals(addr + "  r  kprobe_target+0x0    ", shell("kprobe:list"));
    }

    @Test
    public void generation2613_threeTrapsPerCall_sameResults() throws Exception {
        assertEquals("", shell("kprobe:generation 2.6.13"));
        assertEquals("2.6.13", shell("kprobe:generation"));
        shell("kprobe:add 'p:myprobe kprobe_target %di'");
        shell("kprobe:add 'r:myretprobe kprobe_target $retval'");
        shell("kprobe:enable myprobe");
        shell("kprobe:enable myretprobe");
        shell("machine:traps --reset");
        String call = shell("machine:call kprobe_caller 30");
        assertTrue(call, call.matches("rax=0xa insns=\\d+ ns=\\d+"));
        // the trampoline handler sets RIP itself: no #DB after the trampoline
        assertEquals(TRAPS + "1 #DB 1\n3 #BP 2", shell("machine:traps"));
        assertTrue(shell("kprobe:trace"), shell("kprobe:trace").endsWith(
                "myretprobe: (kprobe_caller+0xd/0x20 <- kprobe_target) arg1=0xa"));
    }

    /**
     * 2.6.25, the boosters (the configured kernel is not preemptible): the entry is stepped once
     * and then runs boosted, the return takes no trap at all.
     */
    @Test
    public void generation2625_boostedEntry_trapFreeReturn_sameResults() throws Exception {
        assertEquals("", shell("kprobe:generation 2.6.25"));
        shell("kprobe:add 'p:myprobe kprobe_caller %di'");
        shell("kprobe:add 'r:myretprobe kprobe_caller $retval'");
        shell("kprobe:enable myprobe");
        shell("kprobe:enable myretprobe");
        shell("machine:traps --reset");
        for (int i = 0; i < 3; i++) {
            String call = shell("machine:call kprobe_caller 30");
            assertTrue(call, call.matches("rax=0xa insns=\\d+ ns=\\d+"));
        }
        // three #BP at the entry, one #DB (the first call's step made the copy jump back)
        assertEquals(TRAPS + "1 #DB 1\n3 #BP 3", shell("machine:traps"));
        assertEquals("  myprobe                                                    3               0\n"
                + "  myretprobe                                                 3               0", shell("kprobe:profile"));
        String trace = shell("kprobe:trace");
        assertTrue(trace, trace.contains("myprobe: (kprobe_caller+0x0/0x20) arg1=0x1e"));
        assertTrue(trace, trace.endsWith("arg1=0xa"));
    }

    @Test
    public void globalSwitch_disarmsEveryProbe_keepsEachOnesState() throws Exception {
        shell("kprobe:add 'p:myprobe kprobe_target %di'");
        shell("kprobe:enable myprobe");
        assertEquals("1", shell("kprobe:enabled"));
        assertEquals("Kprobes globally disabled (kprobes/enabled is 0; events keep their own switches)",
                shell("kprobe:disable"));
        assertEquals("0", shell("kprobe:enabled"));
        shell("kprobe:clear");
        shell("machine:traps --reset");
        shell("machine:call kprobe_caller 30");
        assertEquals(TRAPS.strip(), shell("machine:traps"));
        assertEquals("  myprobe                                                    0               0", shell("kprobe:profile"));
        assertEquals("Kprobes globally enabled (kprobes/enabled is 1; events keep their own switches)",
                shell("kprobe:enable"));
        assertEquals("1", shell("kprobe:enabled"));
        shell("machine:call kprobe_caller 30");
        assertEquals("  myprobe                                                    1               0", shell("kprobe:profile"));
        // the follow mode consumes what the call traced
        String piped = shell("kprobe:pipe --timeout 300");
        assertTrue(piped, piped.matches("(?s) +<idle>-0 +\\[000\\] d\\.\\.\\.\\. +\\d+\\.\\d{6}: myprobe: "
                + "\\(kprobe_target\\+0x0/0x20\\) arg1=0x1e\n"));
        assertTrue(shell("kprobe:trace").contains("entries-in-buffer/entries-written: 0/"));
    }

    /**
     * Editing config/io.kprobelab.kprobes.cfg while an event defined in the shell is enabled: the
     * core takes the change (or refuses it, as kprobe:generation does) and keeps the live state.
     * Before the core handled modifications, DS replaced it and every shell event was gone.
     */
    @Test
    public void configurationChange_keepsShellEvents_generationRefusedWhileProbed() throws Exception {
        shell("kprobe:add 'r:mku kprobe_target $retval'");
        shell("kprobe:enable mku");
        org.osgi.service.cm.Configuration c = configurations.getConfiguration("io.kprobelab.kprobes", "?");
        try {
            java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
            props.put("generation", "2.6.13");
            c.update(props);
            awaitRegistryProperty("generation", "2.6.13"::equals);
            assertEquals("r1:kprobes/mku kprobe_target arg1=$retval", shell("kprobe:events"));
            assertEquals("refused while a probe is registered", "2005", shell("kprobe:generation"));
            props.put("watchdog.threshold.ms", "5000");
            c.update(props);
            awaitRegistryProperty("watchdog.threshold.ms", "5000"::equals);
            assertEquals("r1:kprobes/mku kprobe_target arg1=$retval", shell("kprobe:events"));
            shell("kprobe:clear");
            shell("machine:call kprobe_caller 30");
            assertTrue(shell("kprobe:trace"), shell("kprobe:trace").endsWith("mku: (kprobe_caller+0xd/0x20 <- kprobe_target) arg1=0xa"));
        } finally {
            c.delete();
            awaitRegistryProperty("watchdog.threshold.ms", v -> !"5000".equals(v)); // the defaults again
        }
    }

    // The core's service shows its configuration once DS has applied it (modified or not).
    private void awaitRegistryProperty(String key, java.util.function.Predicate<String> value) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            org.osgi.framework.ServiceReference<KprobeRegistry> ref = context.getServiceReference(KprobeRegistry.class);
            Object v = ref == null ? null : ref.getProperty(key);
            if (ref != null && value.test(v == null ? null : v.toString())) {
                return;
            }
            assertTrue("the configuration never reached the core: " + key + "=" + v, System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }

    @Test
    public void blacklist_namesTheTrampolineAndTheSlots() throws Exception {
        String bl = shell("kprobe:blacklist");
        assertTrue(bl, bl.matches("(?s).*0x[0-9a-f]{16}-0x[0-9a-f]{16}\tkretprobe_trampoline.*"));
        assertTrue(bl, bl.contains("\tkprobe_insn_page"));
    }

    @Test
    public void help_describesTheCommands_andHowToQuote() throws Exception {
        String help = shell("help kprobe:add");
        assertNotNull(help);
        assertTrue(help, help.contains("kprobe_events"));
        assertTrue(help, help.contains("single quotes"));
        assertTrue(shell("help kprobe:pipe"), shell("help kprobe:pipe").contains("--timeout"));
    }
}
