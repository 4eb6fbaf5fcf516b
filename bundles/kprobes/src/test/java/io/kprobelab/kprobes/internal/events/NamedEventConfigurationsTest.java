package io.kprobelab.kprobes.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.internal.KprobesService;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/**
 * {@code io.kprobelab.event~NAME.cfg}: FileInstall makes a plain configuration of it; the listener
 * applies it as the factory component applies {@code io.kprobelab.event-NAME.cfg}.
 */
class NamedEventConfigurationsTest {

    KprobesService core;
    KprobeEventsService events;
    /** The fake Configuration Admin's store: PID to factory PID (or null) and properties. */
    final Map<String, Object[]> store = new LinkedHashMap<>();
    ConfigurationAdmin admin;

    @BeforeEach
    void setUp() throws Exception {
        TestMachine machine = KprobeEventsServiceTest.kernel(new TestMachine(1));
        core = new KprobesService(machine, new TestArch(), Generation.G2005, true);
        events = new KprobeEventsService(core, machine, 8);
        admin = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (p, m, a) -> {
                    if (!m.getName().equals("listConfigurations")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    var filter = FrameworkUtil.createFilter((String) a[0]);
                    List<Configuration> out = new ArrayList<>();
                    store.forEach((pid, entry) -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> props = (Dictionary<String, Object>) entry[1];
                        Hashtable<String, Object> withPid = new Hashtable<>();
                        props.keys().asIterator().forEachRemaining(k -> withPid.put(k, props.get(k)));
                        withPid.put("service.pid", pid);
                        if (filter.match(withPid)) {
                            out.add(configuration(pid, (String) entry[0], withPid));
                        }
                    });
                    return out.isEmpty() ? null : out.toArray(new Configuration[0]);
                });
    }

    @AfterEach
    void tearDown() {
        events.close();
        core.close();
    }

    static Configuration configuration(String pid, String factoryPid, Dictionary<String, Object> props) {
        return (Configuration) Proxy.newProxyInstance(NamedEventConfigurationsTest.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (p, m, a) -> switch (m.getName()) {
                    case "getPid" -> pid;
                    case "getFactoryPid" -> factoryPid;
                    case "getProperties" -> props;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    void put(String pid, String factoryPid, String... keyValues) {
        Hashtable<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        props.put("felix.fileinstall.filename", "file:/home/config/" + pid + ".cfg");
        store.put(pid, new Object[] {factoryPid, props});
    }

    static ConfigurationEvent event(int type, String factoryPid, String pid) {
        @SuppressWarnings("unchecked")
        ServiceReference<ConfigurationAdmin> ref = (ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(
                NamedEventConfigurationsTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (p, m, a) -> null);
        return new ConfigurationEvent(ref, type, factoryPid, pid);
    }

    @Test
    void existingFiles_areAppliedAtActivation_andFactoryOnesAreLeftToTheFactoryComponent() throws Exception {
        put("io.kprobelab.event~mkdir", null, "definition", "r:mkdir_ret sys_mkdir $retval", "enabled", "true");
        put("io.kprobelab.event~other", "io.kprobelab.event", "definition", "p:other sys_mkdir");
        put("io.kprobelab.eventful", null, "definition", "p:nope sys_mkdir");
        NamedEventConfigurations listener = new NamedEventConfigurations(admin, events);
        assertEquals(List.of("r10:kprobes/mkdir_ret sys_mkdir arg1=$retval"), events.events());
        assertTrue(events.isEnabled("mkdir_ret"));
        assertEquals(List.of("kprobes/mkdir_ret"), listener.added("io.kprobelab.event~mkdir"));

        listener.deactivate();
        assertEquals(List.of(), events.events());
    }

    @Test
    void aFileAppearing_changing_andGoing_addsReplacesAndRemovesItsEvent() throws Exception {
        NamedEventConfigurations listener = new NamedEventConfigurations(admin, events);
        String pid = "io.kprobelab.event~mk";
        put(pid, null, "definition", "p:mk sys_mkdir");
        listener.configurationEvent(event(ConfigurationEvent.CM_UPDATED, null, pid));
        assertEquals(List.of("p:kprobes/mk sys_mkdir"), events.events());
        assertFalse(events.isEnabled("mk"), "events start disabled unless enabled=true");

        // the same properties again (activation raced with the event): nothing happens twice
        listener.configurationEvent(event(ConfigurationEvent.CM_UPDATED, null, pid));
        assertEquals(List.of("p:kprobes/mk sys_mkdir"), events.events());

        put(pid, null, "definition", "r:mk sys_mkdir $retval", "enabled", "true");
        listener.configurationEvent(event(ConfigurationEvent.CM_UPDATED, null, pid));
        assertEquals(List.of("r10:kprobes/mk sys_mkdir arg1=$retval"), events.events());
        assertTrue(events.isEnabled("mk"));

        store.remove(pid);
        listener.configurationEvent(event(ConfigurationEvent.CM_DELETED, null, pid));
        assertEquals(List.of(), events.events());
    }

    @Test
    void aBadDefinition_changesNothing_andOtherEventsStay() throws Exception {
        events.add("p:keep sys_mkdir");
        put("io.kprobelab.event~bad", null, "definition", "p:bad no_such_symbol", "enabled", "true");
        NamedEventConfigurations listener = new NamedEventConfigurations(admin, events);
        assertEquals(List.of(), listener.added("io.kprobelab.event~bad"));
        assertEquals(List.of("p:kprobes/keep sys_mkdir"), events.events());
        store.remove("io.kprobelab.event~bad");
        listener.configurationEvent(event(ConfigurationEvent.CM_DELETED, null, "io.kprobelab.event~bad"));
        assertEquals(List.of("p:kprobes/keep sys_mkdir"), events.events());
    }
}
