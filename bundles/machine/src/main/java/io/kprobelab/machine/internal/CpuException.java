package io.kprobelab.machine.internal;

/**
 * Unwinds an instruction that raised an exception or left the run loop. One preallocated instance
 * per vCPU (no stack trace): the details live in the {@link Cpu}'s pending-event fields.
 */
final class CpuException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CpuException() {
        super(null, null, false, false);
    }
}
