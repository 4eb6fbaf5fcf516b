package io.kprobelab.kprobes.internal.whiteboard;

import io.kprobelab.kprobes.KprobePostHandler;
import io.kprobelab.kprobes.KprobePreHandler;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.KretprobeHandler;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Tracks the handler services of consumer bundles and registers their probes: the kernel's
 * {@code register_kprobe} in a module's init, and {@code unregister_kprobe} in its exit, which here
 * comes for free when the bundle stops and its services go.
 */
@Component(immediate = true)
public final class KprobeWhiteboard {

    private static final System.Logger LOG = System.getLogger("io.kprobelab.kprobes");

    private final WhiteboardProbes probes;

    @Activate
    public KprobeWhiteboard(@Reference KprobeRegistry registry) {
        this.probes = new WhiteboardProbes(registry, msg -> LOG.log(Level.ERROR, "kprobes: " + msg));
    }

    @Deactivate
    void deactivate() {
        probes.removeAll();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPreHandler")
    void bindPreHandler(ServiceReference<KprobePreHandler> ref, KprobePreHandler h) {
        addKprobe(ref, h);
    }

    void unbindPreHandler(ServiceReference<KprobePreHandler> ref) {
        probes.remove(serviceId(ref), WhiteboardProbes.Kind.KPROBE);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPostHandler")
    void bindPostHandler(ServiceReference<KprobePostHandler> ref, KprobePostHandler h) {
        addKprobe(ref, h);
    }

    void unbindPostHandler(ServiceReference<KprobePostHandler> ref) {
        probes.remove(serviceId(ref), WhiteboardProbes.Kind.KPROBE);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindKretprobeHandler")
    void bindKretprobeHandler(ServiceReference<KretprobeHandler> ref, KretprobeHandler h) {
        probes.addKretprobe(serviceId(ref), owner(ref), properties(ref), h);
    }

    void unbindKretprobeHandler(ServiceReference<KretprobeHandler> ref) {
        probes.remove(serviceId(ref), WhiteboardProbes.Kind.KRETPROBE);
    }

    /** One kprobe per service, with every handler interface the service is advertised under. */
    private void addKprobe(ServiceReference<?> ref, Object service) {
        List<String> classes = objectClasses(ref);
        KprobePreHandler pre = classes.contains(KprobePreHandler.class.getName())
                && service instanceof KprobePreHandler p ? p : null;
        KprobePostHandler post = classes.contains(KprobePostHandler.class.getName())
                && service instanceof KprobePostHandler p ? p : null;
        probes.addKprobe(serviceId(ref), owner(ref), properties(ref), pre, post);
    }

    static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    static String owner(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        return b != null ? b.getSymbolicName() : "<unregistered>";
    }

    static List<String> objectClasses(ServiceReference<?> ref) {
        Object oc = ref.getProperty(Constants.OBJECTCLASS);
        return oc instanceof String[] a ? Arrays.asList(a) : List.of();
    }

    static Map<String, Object> properties(ServiceReference<?> ref) {
        Map<String, Object> m = new HashMap<>();
        for (String k : ref.getPropertyKeys()) {
            m.put(k, ref.getProperty(k));
        }
        return m;
    }
}
