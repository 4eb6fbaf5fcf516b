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
