package io.kprobelab.machine;

/**
 * How a {@link Machine#runKernel} slice ended.
 *
 * @param poweredOff true when the guest powered the machine off (ACPI PM1a SLP_EN at port 0x604)
 * @param exitStatus the last value the guest wrote to port 0xf4 (isa-debug-exit), -1 if none
 * @param retired    instructions retired by vCPU 0 since boot (virtual time, idle time included)
 * @param hostNanos  host time the slice took
 */
public record RunResult(boolean poweredOff, int exitStatus, long retired, long hostNanos) {
}
