package io.kprobelab.launcher;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The state of DS components, read from SCR's ServiceComponentRuntime DTOs; DS 1.5 records why
 * an activation failed. Reflection: the DS runtime API lives in its bundle.
 */
final class Components {

    private static final String SCR = "org.osgi.service.component.runtime.ServiceComponentRuntime";
    private static final String DESCRIPTION = "org.osgi.service.component.runtime.dto.ComponentDescriptionDTO";

    /** {@code ComponentConfigurationDTO} states. */
    static final int ACTIVE = 8, FAILED_ACTIVATION = 16;

    /** One configuration of a component: its state, and the failure when it failed. */
    record Configuration(String component, String bundle, int state, String failure) {
    }

    private Components() {
    }

    /** Every configuration of every component (empty when SCR is not running). */
    static List<Configuration> all(BundleContext ctx) {
        List<Configuration> out = new ArrayList<>();
        ServiceReference<?> ref = ctx.getServiceReference(SCR);
        if (ref == null) {
            return out;
        }
        Object scr = ctx.getService(ref);
        try {
            ClassLoader cl = scr.getClass().getClassLoader();
            Class<?> scrType = cl.loadClass(SCR);
            Class<?> descType = cl.loadClass(DESCRIPTION);
            Method descriptions = scrType.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            Method configurations = scrType.getMethod("getComponentConfigurationDTOs", descType);
            for (Object d : (Collection<?>) descriptions.invoke(scr, (Object) new Bundle[0])) {
                String name = (String) field(d, "name");
                Object bundleDto = field(d, "bundle");
                String bundle = bundleDto == null ? "?" : String.valueOf(field(bundleDto, "symbolicName"));
                for (Object c : (Collection<?>) configurations.invoke(scr, d)) {
                    int state = ((Number) field(c, "state")).intValue();
                    Object failure = state == FAILED_ACTIVATION ? field(c, "failure") : null;
                    out.add(new Configuration(name, bundle, state,
                            failure == null ? null : cause(failure.toString())));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // SCR going away under us: report what we have
        } finally {
            ctx.ungetService(ref);
        }
        return out;
    }

    /** The configurations of {@code name}. */
    static List<Configuration> of(BundleContext ctx, String name) {
        return all(ctx).stream().filter(c -> c.component().equals(name)).toList();
    }

    private static Object field(Object dto, String name) throws ReflectiveOperationException {
        Field f = dto.getClass().getField(name);
        return f.get(dto);
    }

    /**
     * The component's own message from a failure trace: the first exception line that is not a
     * DS or reflection wrapper, without its exception class.
     */
    static String cause(String trace) {
        String fallback = null;
        for (String line : trace.split("\\R")) {
            String l = line.strip();
            if (l.startsWith("at ") || l.startsWith("...") || l.isEmpty()) {
                continue;
            }
            if (l.startsWith("Caused by: ")) {
                l = l.substring("Caused by: ".length());
            }
            if (fallback == null) {
                fallback = l;
            }
            if (l.startsWith("org.osgi.service.component.ComponentException")
                    || l.startsWith("java.lang.reflect.InvocationTargetException")) {
                continue;
            }
            int colon = l.indexOf(": ");
            return colon > 0 && !l.substring(0, colon).contains(" ") ? l.substring(colon + 2) : l;
        }
        return fallback == null ? trace.strip() : fallback;
    }
}
