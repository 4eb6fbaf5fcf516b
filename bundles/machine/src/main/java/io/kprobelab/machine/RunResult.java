package io.kprobelab.machine;

/**
 * How a {@link Machine#runKernel} slice ended.
 *
 * @param poweredOff true when the guest stopped the machine: it powered it off (ACPI PM1a SLP_EN at
 *                   port 0x604), halted with interrupts disabled, or reset it ({@code reset})
 * @param exitStatus the last value the guest wrote to port 0xf4 (isa-debug-exit), -1 if none
 * @param retired    instructions retired by vCPU 0 since boot (virtual time, idle time included)
 * @param hostNanos  host time the slice took
 * @param reset      true when the guest reset the machine (a triple fault, the keyboard controller's
 *                   reset command, port 0x92 or 0xcf9): a reboot, which the machine does not perform
 */
public record RunResult(boolean poweredOff, int exitStatus, long retired, long hostNanos, boolean reset) {

    /** A slice that did not reset the machine. */
    public RunResult(boolean poweredOff, int exitStatus, long retired, long hostNanos) {
        this(poweredOff, exitStatus, retired, hostNanos, false);
    }
}
