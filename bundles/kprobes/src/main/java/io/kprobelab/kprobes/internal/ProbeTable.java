package io.kprobelab.kprobes.internal;

/**
 * The probes by address ({@code kprobe_table}). Reads are lock-free: the trap path looks an
 * address up in an immutable open-addressing snapshot; writers (under the registration lock)
 * publish a new snapshot. Probes change rarely and are few, so copying is cheap.
 */
final class ProbeTable {

    private static final class Snapshot {
        final long[] keys;
        final ProbePointImpl[] values;
        final int size;

        Snapshot(int capacity, int size) {
            keys = new long[capacity];
            values = new ProbePointImpl[capacity];
            this.size = size;
        }
    }

    private volatile Snapshot snapshot = new Snapshot(16, 0);

    /** {@code get_kprobe}. */
    ProbePointImpl get(long addr) {
        Snapshot s = snapshot;
        int mask = s.keys.length - 1;
        for (int i = hash(addr) & mask; ; i = (i + 1) & mask) {
            ProbePointImpl v = s.values[i];
            if (v == null) {
                return null;
            }
            if (s.keys[i] == addr) {
                return v;
            }
        }
    }

    /** Adds or replaces the probe at its address. Caller holds the registration lock. */
    void put(ProbePointImpl p) {
        Snapshot old = snapshot;
        java.util.List<ProbePointImpl> all = values(old);
        all.removeIf(q -> q.addr() == p.addr());
        all.add(p);
        snapshot = build(all);
    }

    /** Removes the probe at {@code addr}. Caller holds the registration lock. */
    void remove(long addr) {
        java.util.List<ProbePointImpl> all = values(snapshot);
        all.removeIf(q -> q.addr() == addr);
        snapshot = build(all);
    }

    /** Forgets every probe point. Caller holds the registration lock. */
    void clear() {
        snapshot = new Snapshot(16, 0);
    }

    /** Every probe point, in no particular order. */
    java.util.List<ProbePointImpl> all() {
        return values(snapshot);
    }

    int size() {
        return snapshot.size;
    }

    private static java.util.List<ProbePointImpl> values(Snapshot s) {
        java.util.List<ProbePointImpl> out = new java.util.ArrayList<>(s.size + 1);
        for (ProbePointImpl v : s.values) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private static Snapshot build(java.util.List<ProbePointImpl> all) {
        int cap = 16;
        while (cap < all.size() * 2 + 2) {
            cap <<= 1;
        }
        Snapshot s = new Snapshot(cap, all.size());
        int mask = cap - 1;
        for (ProbePointImpl p : all) {
            int i = hash(p.addr()) & mask;
            while (s.values[i] != null) {
                i = (i + 1) & mask;
            }
            s.keys[i] = p.addr();
            s.values[i] = p;
        }
        return s;
    }

    private static int hash(long addr) {
        long h = addr * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }
}
