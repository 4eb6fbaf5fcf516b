package io.kprobelab.guest;

/**
 * A program started on a running guest ({@link GuestKernel#run}).
 *
 * @param pid          its pid, or -errno when it could not be started; 0 on a Linux guest, where the
 *                     guest's shell starts it (a program it cannot start ends with status 127)
 * @param status       exit code, 128+signal when killed, 127 when it could not be started
 * @param instructions virtual time (retired instructions, idle included) from the request until the
 *                     host saw it done; the host looks between run slices of one million
 *                     instructions, so this is rounded up to a slice
 * @param output       console output written meanwhile (by it, and by anything else running)
 */
public record ProgramResult(int pid, int status, long instructions, String output) {
}
