package io.kprobelab.kprobes.internal.whiteboard;

import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobePostHandler;
import io.kprobelab.kprobes.KprobePreHandler;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeHandler;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.whiteboard.KprobeProperties;
import io.kprobelab.kprobes.whiteboard.KretprobeHandlers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the whiteboard does with handler services, without a framework: a service that arrives
 * registers one probe (owned by its bundle's symbolic name), a service that leaves unregisters it.
 * A refused probe is reported through the error sink with the bundle's name and left unregistered:
 * registration is one call into the core, which either registers the whole probe or nothing.
 */
public final class WhiteboardProbes {

    /** The two kinds of probe one service can stand for. */
    public enum Kind {
        KPROBE, KRETPROBE
    }

    private record Key(long serviceId, Kind kind) {
    }

    private final KprobeRegistry registry;
    private final Consumer<String> errors;
    private final Map<Key, Object> live = new HashMap<>();

    /**
     * @param errors receives one line per refused service, e.g.
     *               {@code org.example.probe: cannot register kprobe on sys_mkdir+0x3: EILSEQ: ...}
     */
    public WhiteboardProbes(KprobeRegistry registry, Consumer<String> errors) {
        this.registry = registry;
        this.errors = errors;
    }

    /**
     * A kprobe handler service arrived; {@code pre} and/or {@code post} are its handlers. A second
     * call for the same service (it is advertised as both) is ignored.
     *
     * @return true when the probe is registered
     */
    public synchronized boolean addKprobe(long serviceId, String owner, Map<String, ?> props,
            KprobePreHandler pre, KprobePostHandler post) {
        Key key = new Key(serviceId, Kind.KPROBE);
        if (live.containsKey(key)) {
            return true;
        }
        try {
            live.put(key, firstSymbol(props, p -> registry.registerKprobe(
                    target(p).owner(owner).preHandler(pre).postHandler(post))));
            return true;
        } catch (KprobeException | IllegalArgumentException e) {
            errors.accept(owner + ": cannot register kprobe" + where(props) + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * A kretprobe handler service arrived. If it is a {@link KretprobeHandlers}, its
     * {@link KretprobeHandlers#onEntry} becomes the entry handler.
     *
     * @return true when the probe is registered
     */
    public synchronized boolean addKretprobe(long serviceId, String owner, Map<String, ?> props,
            KretprobeHandler handler) {
        Key key = new Key(serviceId, Kind.KRETPROBE);
        if (live.containsKey(key)) {
            return true;
        }
        try {
            Kretprobe rp = firstSymbol(props, p -> {
                KretprobeSpec spec = KretprobeSpec.on(target(p).owner(owner)).handler(handler)
                        .maxactive((int) number(p, KprobeProperties.MAXACTIVE, 0))
                        .dataSize((int) number(p, KprobeProperties.DATA_SIZE, 0));
                if (handler instanceof KretprobeHandlers both) {
                    spec = spec.entryHandler(both::onEntry);
                }
                return registry.registerKretprobe(spec);
            });
            live.put(key, rp);
            if (handler instanceof KretprobeHandlers both) {
                notify(owner, () -> both.planted(rp));
            }
            return true;
        } catch (KprobeException | IllegalArgumentException e) {
            errors.accept(owner + ": cannot register kretprobe" + where(props) + ": " + e.getMessage());
            return false;
        }
    }

    /** The service left: unregisters its probe, if it had one. */
    public synchronized void remove(long serviceId, Kind kind) {
        unregister(live.remove(new Key(serviceId, kind)));
    }

    /** Unregisters every probe (the whiteboard is going away). */
    public synchronized void removeAll() {
        for (Object p : live.values()) {
            unregister(p);
        }
        live.clear();
    }

    /** Probes currently registered for services. */
    public synchronized int size() {
        return live.size();
    }

    private void unregister(Object p) {
        if (p instanceof Kretprobe rp) {
            registry.unregisterKretprobe(rp);
            if (rp.spec().handler() instanceof KretprobeHandlers both) {
                notify(rp.kp().spec().owner(), () -> both.removed(rp));
            }
        } else if (p instanceof Kprobe kp) {
            registry.unregisterKprobe(kp);
        }
    }

    /** Runs a module's lifecycle callback; one that throws is reported, never propagated. */
    private void notify(String owner, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            errors.accept(owner + ": kretprobe lifecycle callback threw " + e);
        }
    }

    /** A registration attempt with one choice of the properties. */
    @FunctionalInterface
    private interface Attempt<T> {
        T register(Map<String, ?> props) throws KprobeException;
    }

    /**
     * Registers with the first of several {@code kprobe.symbol} alternatives the kernel has: a
     * candidate it lacks (ENOENT) gives way to the next; any other refusal is final.
     */
    private static <T> T firstSymbol(Map<String, ?> props, Attempt<T> attempt) throws KprobeException {
        List<String> names = symbols(props);
        if (names.size() <= 1) {
            return attempt.register(props);
        }
        for (String name : names) {
            Map<String, Object> one = new HashMap<>(props);
            one.put(KprobeProperties.SYMBOL, name);
            try {
                return attempt.register(one);
            } catch (KprobeException e) {
                if (e.errno() != io.kprobelab.kprobes.Errno.ENOENT) {
                    throw e;
                }
            }
        }
        throw new KprobeException(io.kprobelab.kprobes.Errno.ENOENT, "the kernel has none of the symbols "
                + String.join(", ", names));
    }

    /** The {@code kprobe.symbol} alternatives, in order ({@code String[]}, a collection, or one string). */
    static List<String> symbols(Map<String, ?> props) {
        Object sym = props.get(KprobeProperties.SYMBOL);
        List<String> out = new java.util.ArrayList<>();
        if (sym instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (sym instanceof java.util.Collection<?> c) {
            c.forEach(x -> out.add(String.valueOf(x)));
        } else if (sym != null) {
            out.add(sym.toString());
        }
        return out;
    }

    /** The probe point from {@code kprobe.symbol} (+ {@code kprobe.offset}) or {@code kprobe.addr}. */
    static KprobeSpec target(Map<String, ?> props) {
        Object sym = props.get(KprobeProperties.SYMBOL);
        boolean hasAddr = props.get(KprobeProperties.ADDR) != null;
        if (sym != null && hasAddr) {
            throw new IllegalArgumentException("EINVAL: give " + KprobeProperties.SYMBOL + " or "
                    + KprobeProperties.ADDR + ", not both");
        }
        if (sym != null) {
            List<String> names = symbols(props);
            String name = names.isEmpty() ? "" : names.get(0).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("EINVAL: empty " + KprobeProperties.SYMBOL);
            }
            long off = number(props, KprobeProperties.OFFSET, 0);
            if (off < 0) {
                throw new IllegalArgumentException("EINVAL: negative " + KprobeProperties.OFFSET + " " + off);
            }
            return KprobeSpec.at(name, off);
        }
        if (hasAddr) {
            return KprobeSpec.atAddress(number(props, KprobeProperties.ADDR, 0));
        }
        throw new IllegalArgumentException("EINVAL: no " + KprobeProperties.SYMBOL + " or "
                + KprobeProperties.ADDR + " property");
    }

    /** A numeric property: a {@link Number}, or a string in C syntax (decimal, 0x hex, 0 octal). */
    static long number(Map<String, ?> props, String name, long dflt) {
        Object v = props.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        String s = v.toString().trim();
        try {
            boolean neg = s.startsWith("-");
            String digits = neg || s.startsWith("+") ? s.substring(1) : s;
            long x;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                x = Long.parseUnsignedLong(digits.substring(2), 16);
            } else if (digits.length() > 1 && digits.startsWith("0")) {
                x = Long.parseUnsignedLong(digits.substring(1), 8);
            } else {
                x = Long.parseUnsignedLong(digits);
            }
            return neg ? -x : x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("EINVAL: " + name + "=" + s + " is not a number");
        }
    }

    private static String where(Map<String, ?> props) {
        Object sym = props.get(KprobeProperties.SYMBOL);
        if (sym != null) {
            Object off = props.get(KprobeProperties.OFFSET);
            return " on " + String.join("|", symbols(props)) + (off != null ? "+" + off : "");
        }
        Object addr = props.get(KprobeProperties.ADDR);
        return addr != null ? " at " + addr : "";
    }
}
