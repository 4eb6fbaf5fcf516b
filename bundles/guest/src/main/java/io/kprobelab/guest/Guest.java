package io.kprobelab.guest;

import java.io.IOException;
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
     * <p>Interrupting the calling thread is the terminal's ^C: the program and the tasks it
     * started get SIGINT and are reaped; the result then has status 130 (128 + SIGINT) and the
     * thread's interrupt status is set again. A program still running at the configured limit of
     * instructions gets SIGKILL and is reaped before this throws. Either way nothing the call
     * started is left running.
     *
     * @param output gets the guest console's bytes while it runs (by the program, its children,
     *               and the kernel), as the guest writes them, on the machine's vCPU thread;
     *               null sends them to the process's standard output like the rest of the console
     * @throws IllegalArgumentException if the command line is empty, longer than 255 bytes, or a
     *                                  word contains a space (the kernel splits at spaces)
     * @throws IllegalStateException    if the program ran into the configured limit of
     *                                  instructions (and was killed), the calling thread was
     *                                  interrupted before the program started, or the guest
     *                                  powered off
     */
    ProgramResult run(String program, List<String> args, IntConsumer output);

    /** The kernel's task list ({@code task_list}, BOOT.md section 5), in list order. */
    List<GuestTask> tasks();

    /** The kernel's log so far ({@code __log_buf}): its last 16 KiB, as {@code dmesg} prints it. */
    String dmesg();

    /**
     * Attaches a terminal to the guest's serial console, as QEMU's {@code -nographic} does: bytes
     * read from {@code in} are typed into the console, everything the guest writes goes to
     * {@code out} as it is written, and the guest runs meanwhile, until {@code escape} is read (or
     * {@code in} ends). Blocks; one attachment or {@link #run} at a time.
     *
     * @throws UnsupportedOperationException if this guest's console takes no input
     * @throws IOException if {@code in} or {@code out} fails
     */
    default void console(java.io.InputStream in, java.io.OutputStream out, int escape) throws java.io.IOException {
        throw new UnsupportedOperationException("this guest's console takes no input");
    }
}
