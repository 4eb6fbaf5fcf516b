package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEvents;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A probe event from configuration: one factory configuration of PID {@value #FACTORY_PID} per
 * event (with FileInstall, a file such as {@code config/io.kprobelab.event-mkdir.cfg}) holding a
 * kprobe_events definition and whether to enable it. The event is added (and enabled) when the
 * configuration appears, and disabled and removed when it goes away, as if its line had been
 * written to and then cleared from {@code kprobe_events}. A bad definition is logged with the
 * kernel's error_log text and changes nothing.
 */
@Component(service = {}, immediate = true, configurationPid = ConfiguredEvent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ConfiguredEvent.Config.class, factory = true)
public final class ConfiguredEvent {

    /** The factory PID. */
    public static final String FACTORY_PID = "io.kprobelab.event";

    /** One event's configuration. */
    @ObjectClassDefinition(name = "KprobeLab probe event",
            description = "A kprobe_events definition applied while this configuration exists")
    public @interface Config {
        /** The definition. */
        @AttributeDefinition(description = "In kprobe_events syntax, e.g. r:mkdir_ret sys_mkdir $retval")
        String definition();

        /** Enable at once. */
        @AttributeDefinition(description = "Enable the event as soon as it is defined")
        boolean enabled() default false;
    }

    private final ConfiguredDefinition defined;

    /** Defines (and enables) the configured event. */
    @Activate
    public ConfiguredEvent(@Reference ProbeEvents events, Config config, Map<String, Object> properties) {
        this.defined = ConfiguredDefinition.apply(events, ConfiguredDefinition.source(properties),
                config.definition(), config.enabled());
    }

    /** The configuration went away: the events it defined go too. */
    @Deactivate
    public void remove() {
        defined.remove();
    }

    /** The events this configuration defined (for tests). */
    List<String> added() {
        return defined.added();
    }
}
