package io.kprobelab.kprobes;

/**
 * Which generation of the kprobes machinery runs: the mechanism changes, never the results.
 */
public enum Generation {
    /**
     * Commit 73649dab (June 2005): four traps per kretprobe'd call — #BP at entry, #DB after the
     * displaced instruction, #BP at the trampoline's nop, #DB after it; the trampoline's
     * post-handler sets RIP to the real return address. Instances keyed by stack address; the
     * task found by masking the stack pointer with THREAD_SIZE.
     */
    G2005("2005"),
    /**
     * Commit ba8af12f (2.6.13): instances keyed by task; the trampoline handler sets RIP itself
     * and skips the single-step — three traps.
     */
    G2_6_13("2.6.13"),
    /**
     * The x86 unification of December 2007 (2.6.25), with Hiramatsu's two boosters. The
     * kprobe-booster: after the first single-step of an instruction that can run anywhere, a
     * {@code jmp} back is appended to its copy, and later hits of a probe without a post-handler
     * run the copy directly (only the #BP; non-preemptible kernels only). The kretprobe-booster:
     * the trampoline is code that calls {@code trampoline_handler} (a host function here), so a
     * return costs no trap. One or two traps per kretprobe'd call.
     */
    G2_6_25("2.6.25");

    private final String label;

    Generation(String label) {
        this.label = label;
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
                + String.join(", ", java.util.Arrays.stream(values()).map(Generation::label).toList()) + ")");
    }
}
