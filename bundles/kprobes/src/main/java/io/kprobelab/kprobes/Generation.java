package io.kprobelab.kprobes;

/**
 * Which generation of the kprobes machinery runs: the mechanism changes, never the results.
 * This enum is the one list of generations: the launcher's {@code --generation}, the shell's
 * {@code kprobe:generation} (its help and completion) and the configuration all read it.
 */
public enum Generation {
    /**
     * Commit 73649dab (June 2005): four traps per kretprobe'd call — #BP at entry, #DB after the
     * displaced instruction, #BP at the trampoline's nop, #DB after it; the trampoline's
     * post-handler sets RIP to the real return address. Instances keyed by stack address; the
     * task found by masking the stack pointer with THREAD_SIZE.
     */
    G2005("2005", "the seed's design: 4 traps per kretprobe'd call"),
    /**
     * Commit ba8af12f (2.6.13): instances keyed by task; the trampoline handler sets RIP itself
     * and skips the single-step — three traps.
     */
    G2_6_13("2.6.13", "instances keyed by task, no step after the trampoline: 3 traps"),
    /**
     * The x86 unification of December 2007 (2.6.25), with Hiramatsu's two boosters. The
     * kprobe-booster: after the first single-step of an instruction that can run anywhere, a
     * {@code jmp} back is appended to its copy, and later hits of a probe without a post-handler
     * run the copy directly (only the #BP; non-preemptible kernels only). The kretprobe-booster:
     * the trampoline is code that calls {@code trampoline_handler} (a host function here), so a
     * return costs no trap. One or two traps per kretprobe'd call.
     */
    G2_6_25("2.6.25", "kprobe-booster and kretprobe-booster: 1 or 2 traps");

    private final String label;
    private final String summary;

    Generation(String label, String summary) {
        this.label = label;
        this.summary = summary;
    }

    /** What changed, and what a kretprobe'd call costs, in a few words. */
    public String summary() {
        return summary;
    }

    /** Every label, oldest first: {@code 2005, 2.6.13, 2.6.25}. */
    public static java.util.List<String> labels() {
        return java.util.Arrays.stream(values()).map(Generation::label).toList();
    }

    /** The name users type: {@code 2005}, {@code 2.6.13}, {@code 2.6.25}. */
    public String label() {
        return label;
    }

    /** The generation named {@code label}. */
    public static Generation of(String label) {
        for (Generation g : values()) {
            if (g.label.equals(label)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown generation '" + label + "' (known: "
                + String.join(", ", labels()) + ")");
    }
}
