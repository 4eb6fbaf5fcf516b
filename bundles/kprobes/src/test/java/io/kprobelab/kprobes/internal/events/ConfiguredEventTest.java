package io.kprobelab.kprobes.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.internal.KprobesService;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A probe event per factory configuration: defined and enabled while it exists, removed after. */
class ConfiguredEventTest {

    KprobesService core;
    KprobeEventsService events;

    @BeforeEach
    void setUp() throws KprobeException {
        TestMachine machine = KprobeEventsServiceTest.kernel(new TestMachine(1));
        core = new KprobesService(machine, new TestArch(), Generation.G2005, true);
        events = new KprobeEventsService(core, machine, 8);
    }

    @AfterEach
    void tearDown() {
        events.close();
        core.close();
    }

    static ConfiguredEvent.Config config(String definition, boolean enabled) {
        return new ConfiguredEvent.Config() {
            @Override public String definition() { return definition; }
            @Override public boolean enabled() { return enabled; }
            @Override public Class<? extends Annotation> annotationType() { return ConfiguredEvent.Config.class; }
        };
    }

    ConfiguredEvent configured(String definition, boolean enabled) {
        return new ConfiguredEvent(events, config(definition, enabled), Map.of("service.pid", "io.kprobelab.event~t"));
    }

    @Test
    void configuration_definesAndEnablesTheEvent_andItsRemovalRemovesIt() throws Exception {
        ConfiguredEvent c = configured("r:mkdir_ret sys_mkdir $retval", true);
        assertEquals(List.of("kprobes/mkdir_ret"), c.added());
        assertEquals(List.of("r10:kprobes/mkdir_ret sys_mkdir arg1=$retval"), events.events());
        assertTrue(events.isEnabled("mkdir_ret"));
        c.remove();
        assertEquals(List.of(), events.events());
    }

    /** The shell cannot remove what a file defines: the file would still say it exists. */
    @Test
    void configuredEvent_isNotRemovedBehindItsFilesBack_removedWithIt() throws Exception {
        ConfiguredEvent c = configured("p:mk sys_mkdir", false);
        configured("p:other sys_mkdir", false).remove(); // defined and gone again: no longer owned
        io.kprobelab.kprobes.events.ProbeEventException busy = org.junit.jupiter.api.Assertions.assertThrows(
                io.kprobelab.kprobes.events.ProbeEventException.class, () -> events.remove("mk"));
        assertEquals("kprobes/mk is defined by configuration io.kprobelab.event~t: it goes when that file is deleted",
                busy.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(io.kprobelab.kprobes.events.ProbeEventException.class,
                () -> events.clear());
        assertEquals(List.of("p:kprobes/mk sys_mkdir"), events.events());
        events.add("p:shell sys_mkdir");
        events.remove("shell"); // the shell's own events are the shell's to remove
        c.remove();
        assertEquals(List.of(), events.events());
    }

    @Test
    void disabledByDefault_andABadDefinitionChangesNothing() throws Exception {
        ConfiguredEvent ok = configured("p:mk sys_mkdir", false);
        ConfiguredEvent bad = configured("p:bad no_such_symbol", true);
        assertEquals(List.of(), bad.added());
        assertEquals(List.of("p:kprobes/mk sys_mkdir"), events.events());
        assertTrue(!events.isEnabled("mk"));
        bad.remove();
        assertEquals(List.of("p:kprobes/mk sys_mkdir"), events.events());
        ok.remove();
    }
}
