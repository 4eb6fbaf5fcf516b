package io.kprobelab.machine;

/**
 * A trap nobody handled stopped the vCPU: carries the oops report (vector, error code,
 * {@code RIP: sym+0xoff}, registers, backtrace).
 */
public final class GuestOops extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Trap trap;
    private final String report;

    /** An oops for {@code trap}, with the full multi-line {@code report}. */
    public GuestOops(Trap trap, String report) {
        super(report.lines().findFirst().orElse(trap.name()));
        this.trap = trap;
        this.report = report;
    }

    /** The trap that stopped the vCPU. */
    public Trap trap() { return trap; }

    /** The whole report, one item per line. */
    public String report() { return report; }
}
