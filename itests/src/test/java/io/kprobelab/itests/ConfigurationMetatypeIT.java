package io.kprobelab.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Every setting a user can put in {@code config/} is described for configuration tools: the
 * packaged bundles' metatype, read through the MetaType service as a console would.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationMetatypeIT {

    @Inject
    private BundleContext context;

    @Inject
    private MetaTypeService metatype;

    @Configuration
    public Option[] config() throws Exception {
        return options(
                RuntimeSupport.runtime(GuestElf.build()),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype", "1.2.4"),
                // FileInstall describes its own watcher configuration; it watches an empty folder here
                frameworkProperty("felix.fileinstall.dir").value(emptyFolder().toString()),
                mavenBundle("org.apache.felix", "org.apache.felix.fileinstall", "3.7.4"));
    }

    private static Path emptyFolder() throws java.io.IOException {
        return Files.createDirectories(Path.of(System.getProperty("kprobelab.build.dir", "target"), "fileinstall-empty"));
    }

    private Bundle bundle(String symbolicName) {
        return Stream.of(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    /** The attributes (id to default) the bundle describes for PID or factory PID {@code pid}. */
    private Map<String, String> attributes(String bundle, String pid, boolean factory) {
        MetaTypeInformation info = metatype.getMetaTypeInformation(bundle(bundle));
        assertNotNull(bundle + " has no metatype", info);
        List<String> pids = Arrays.asList(factory ? info.getFactoryPids() : info.getPids());
        assertTrue(bundle + " does not describe " + (factory ? "factory PID " : "PID ") + pid + ": " + pids,
                pids.contains(pid));
        ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
        assertTrue(ocd.getName(), ocd.getName() != null && !ocd.getName().isBlank());
        Map<String, String> out = new TreeMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            String[] d = ad.getDefaultValue();
            out.put(ad.getID(), d == null ? null : String.join(",", d));
        }
        return out;
    }

    @Test
    public void machine_cpusAndMemory() {
        assertEquals(Map.of("cpus", "1", "memory.mib", "256"), attributes("io.kprobelab.machine", "io.kprobelab.machine", false));
    }

    @Test
    public void guest_timerPeriodAndRunLimit() {
        assertEquals(Map.of("tick.instructions", "1000000", "run.max.instructions", "10000000000"),
                attributes("io.kprobelab.guest", "io.kprobelab.guest", false));
    }

    @Test
    public void kprobes_generationSwitchMaxactiveRuleAndWatchdog() {
        assertEquals(Map.of("generation", "", "enabled", "true", "preemptible", "false", "watchdog.threshold.ms", "2000"),
                attributes("io.kprobelab.kprobes", "io.kprobelab.kprobes", false));
        assertEquals(List.of("trace.entries"),
                List.copyOf(attributes("io.kprobelab.kprobes", "io.kprobelab.kprobes.events", false).keySet()));
    }

    @Test
    public void events_oneFactoryConfigurationPerEvent() {
        Map<String, String> event = attributes("io.kprobelab.kprobes", "io.kprobelab.event", true);
        assertEquals(List.of("definition", "enabled"), List.copyOf(event.keySet()));
        assertEquals("false", event.get("enabled"));
    }

    @Test
    public void fileInstall_thePollOfTheDeployFolder() {
        Map<String, String> watcher = attributes("org.apache.felix.fileinstall", "org.apache.felix.fileinstall", false);
        assertTrue(watcher.toString(), watcher.containsKey("felix.fileinstall.dir"));
        assertTrue(watcher.toString(), watcher.containsKey("felix.fileinstall.poll"));
    }
}
