package io.kprobelab.guest;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * The running guest kernel, as an OSGi service: booted to idle with {@code STAY_UP} on the
 * machine service (not registered in bare mode, {@code --elf}). The guest only runs while one of
 * these methods drives it, so virtual time stands still between calls.
 */
public interface Guest {

    /**
     * Starts {@code program} with {@code args} (BOOT.md section 7), runs the guest until it has
     * exited, and returns its pid and status. One run at a time: a second caller waits.
     *
     * @param output gets the guest console's bytes while it runs (by the program, its children,
     *               and the kernel), as the guest writes them, on the machine's vCPU thread;
     *               null sends them to the process's standard output like the rest of the console
     * @throws IllegalArgumentException if the command line is empty, longer than 255 bytes, or a
     *                                  word contains a space (the kernel splits at spaces)
     * @throws IllegalStateException    if the program is still running after the configured limit
     *                                  of instructions, the calling thread is interrupted (the
     *                                  program goes on in the guest at its next run), or the
     *                                  guest powered off
     */
    ProgramResult run(String program, List<String> args, IntConsumer output);

    /** The kernel's task list ({@code task_list}, BOOT.md section 5), in list order. */
    List<GuestTask> tasks();

    /** The kernel's log so far ({@code __log_buf}): its last 16 KiB, as {@code dmesg} prints it. */
    String dmesg();
}
