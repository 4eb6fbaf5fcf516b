package io.kprobelab.guest;

/**
 * One task of the guest kernel, as its {@code struct task_struct} has it (BOOT.md section 5).
 *
 * @param pid   its pid (0: the idle task)
 * @param ppid  its parent's pid (0 for the idle task itself)
 * @param state 'R' running or runnable, 'S' sleeping, 'Z' zombie (the letters of ps's STAT)
 * @param ticks timer ticks it has run
 * @param comm  its command name
 */
public record GuestTask(int pid, int ppid, char state, long ticks, String comm) {
}
