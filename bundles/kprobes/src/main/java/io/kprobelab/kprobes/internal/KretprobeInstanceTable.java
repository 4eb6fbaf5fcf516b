package io.kprobelab.kprobes.internal;

import io.kprobelab.kprobes.spi.KprobesCore.InstanceVisitor;

/**
 * The in-flight kretprobe instances by task ({@code kretprobe_inst_table}): 64 buckets
 * ({@code KPROBE_HASH_BITS} = 6), each a list with the newest instance first, so the instances
 * of one task form a LIFO stack and the trampoline always takes the innermost call first.
 */
final class KretprobeInstanceTable {

    static final int HASH_BITS = 6;
    static final int BUCKETS = 1 << HASH_BITS;

    private final RetprobeSlotImpl[] heads = new RetprobeSlotImpl[BUCKETS];

    /** {@code hash_ptr(task, KPROBE_HASH_BITS)}. */
    static int bucket(long task) {
        return (int) ((task * 0x61C8864680B583EBL) >>> (64 - HASH_BITS));
    }

    /** {@code add_rp_inst}: at the head of the task's bucket. */
    synchronized void add(RetprobeSlotImpl ri) {
        int b = bucket(ri.task);
        ri.next = heads[b];
        heads[b] = ri;
        ri.inTable = true;
    }

    /** Takes an instance out of its bucket. */
    synchronized void remove(RetprobeSlotImpl ri) {
        if (!ri.inTable) {
            return;
        }
        int b = bucket(ri.task);
        RetprobeSlotImpl prev = null;
        for (RetprobeSlotImpl cur = heads[b]; cur != null; prev = cur, cur = cur.next) {
            if (cur == ri) {
                if (prev == null) {
                    heads[b] = cur.next;
                } else {
                    prev.next = cur.next;
                }
                break;
            }
        }
        ri.next = null;
        ri.inTable = false;
    }

    /** Walks one task's instances newest first; the visitor may remove the one it is given. */
    synchronized void walk(long task, InstanceVisitor visitor) {
        RetprobeSlotImpl cur = heads[bucket(task)];
        while (cur != null) {
            RetprobeSlotImpl next = cur.next;
            if (cur.task == task && !visitor.visit(cur)) {
                return;
            }
            cur = next;
        }
    }

    /** Orphans every in-flight instance of {@code rp} (its {@code rp} becomes null). */
    synchronized void orphan(KretprobeImpl rp) {
        for (RetprobeSlotImpl h : heads) {
            for (RetprobeSlotImpl c = h; c != null; c = c.next) {
                if (c.owner == rp) {
                    c.rp = null;
                }
            }
        }
    }

    /** Empties the table, handing each instance to {@code sink} (the image they lived in is gone). */
    synchronized void drain(java.util.function.Consumer<RetprobeSlotImpl> sink) {
        for (int b = 0; b < BUCKETS; b++) {
            for (RetprobeSlotImpl c = heads[b]; c != null; ) {
                RetprobeSlotImpl next = c.next;
                c.next = null;
                c.inTable = false;
                sink.accept(c);
                c = next;
            }
            heads[b] = null;
        }
    }

    /** How many instances are in the table. */
    synchronized int size() {
        int n = 0;
        for (RetprobeSlotImpl h : heads) {
            for (RetprobeSlotImpl c = h; c != null; c = c.next) {
                n++;
            }
        }
        return n;
    }
}
