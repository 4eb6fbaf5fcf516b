package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEvents;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Probe events from files named in the OSGi R7 way, {@code config/io.kprobelab.event~NAME.cfg}.
 * FileInstall only knows {@code -} as the factory separator: it turns such a file into a plain
 * configuration whose PID is {@code io.kprobelab.event~NAME}, which no factory component is
 * given. This listener applies those configurations exactly as {@link ConfiguredEvent} applies
 * the factory ones ({@code io.kprobelab.event-NAME.cfg}): same properties, same behaviour.
 *
 * <p>Configurations already there are applied during activation, so that at the launcher's
 * first command (after the kprobes bundle has started) their events exist; later ones arrive as
 * configuration events.
 */
@Component(service = ConfigurationListener.class, immediate = true)
public final class NamedEventConfigurations implements ConfigurationListener {

    /** PIDs of the form {@code io.kprobelab.event~NAME}. */
    static final String PREFIX = ConfiguredEvent.FACTORY_PID + "~";

    private static final System.Logger LOG = System.getLogger("io.kprobelab.kprobes.events");

    private final ConfigurationAdmin configurations;
    private final ProbeEvents events;

    /** What each PID applied, with the properties it was applied from. Guarded by this. */
    private final Map<String, Applied> applied = new HashMap<>();

    private record Applied(String definition, boolean enabled, ConfiguredDefinition defined) {
    }

    /** Applies the {@code io.kprobelab.event~NAME} configurations that exist now. */
    @Activate
    public NamedEventConfigurations(@Reference ConfigurationAdmin configurations, @Reference ProbeEvents events) {
        this.configurations = configurations;
        this.events = events;
        for (Configuration c : list("(service.pid=" + PREFIX + "*)")) {
            if (c.getFactoryPid() == null) {
                update(c.getPid(), c.getProperties());
            }
        }
    }

    /** The listener is going: its events go too, as when the files are deleted. */
    @Deactivate
    synchronized void deactivate() {
        applied.values().forEach(a -> a.defined().remove());
        applied.clear();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String pid = event.getPid();
        // A factory configuration named NAME has this PID too: ConfiguredEvent has it.
        if (!pid.startsWith(PREFIX) || event.getFactoryPid() != null) {
            return;
        }
        switch (event.getType()) {
            case ConfigurationEvent.CM_UPDATED -> {
                Configuration[] now = list("(service.pid=" + escape(pid) + ")");
                update(pid, now.length == 0 ? null : now[0].getProperties());
            }
            case ConfigurationEvent.CM_DELETED -> update(pid, null);
            default -> {
                // CM_LOCATION_CHANGED: the properties are the same
            }
        }
    }

    /**
     * Brings the events of {@code pid} in line with {@code properties} (null: deleted). The same
     * properties again (the activation's listing and an event that raced with it) change nothing.
     */
    synchronized void update(String pid, Dictionary<String, Object> properties) {
        Applied old = applied.get(pid);
        if (properties == null) {
            if (old != null) {
                old.defined().remove();
                applied.remove(pid);
            }
            return;
        }
        Object d = properties.get("definition");
        String definition = d == null ? null : d.toString();
        boolean enabled = Boolean.parseBoolean(String.valueOf(properties.get("enabled")));
        if (old != null) {
            if (old.enabled() == enabled && Objects.equals(old.definition(), definition)) {
                return;
            }
            old.defined().remove();
        }
        Map<String, Object> props = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            props.put(key, properties.get(key));
        }
        applied.put(pid, new Applied(definition, enabled,
                ConfiguredDefinition.apply(events, ConfiguredDefinition.source(props), definition, enabled)));
    }

    /** The events {@code pid} defined (for tests). */
    synchronized List<String> added(String pid) {
        Applied a = applied.get(pid);
        return a == null ? List.of() : a.defined().added();
    }

    private Configuration[] list(String filter) {
        try {
            Configuration[] found = configurations.listConfigurations(filter);
            return found == null ? new Configuration[0] : found;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.log(Level.ERROR, "cannot list configurations " + filter + ": " + e.getMessage());
            return new Configuration[0];
        }
    }

    // RFC 1960 filter value escaping: a file name may hold ( ) * or \.
    private static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '(' || c == ')' || c == '*' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
