package io.kprobelab.kprobes.internal.trace;

import java.util.Arrays;

/**
 * {@code saved_cmdlines}: the trace keeps a pid in each entry and the comm of the last
 * {@link #DEFAULT_NUM} pids seen aside, as the kernel does; an entry whose pid has been pushed out
 * prints as {@code <...>}, pid 0 as {@code <idle>}. Not thread-safe: the buffer's lock guards it.
 */
final class SavedCmdlines {

    /** {@code SAVED_CMDLINES_DEFAULT}. */
    static final int DEFAULT_NUM = 128;
    /** {@code PID_MAX_DEFAULT}: the pid-to-slot map is indexed by the pid's low bits. */
    static final int PID_MAX_DEFAULT = 0x8000;
    private static final int NO_CMDLINE_MAP = -1;

    private final int[] mapPidToCmdline = new int[PID_MAX_DEFAULT];
    private final int[] mapCmdlineToPid;
    private final String[] cmdlines;
    private int cmdlineIdx;

    SavedCmdlines(int num) {
        Arrays.fill(mapPidToCmdline, NO_CMDLINE_MAP);
        mapCmdlineToPid = new int[num];
        Arrays.fill(mapCmdlineToPid, -1);
        cmdlines = new String[num];
        cmdlineIdx = num - 1;
    }

    /** {@code trace_save_cmdline}: allocates only when the pid's comm changed. */
    void save(int pid, CharSequence comm) {
        if (pid <= 0) {
            return;
        }
        int tpid = pid & (PID_MAX_DEFAULT - 1);
        int idx = mapPidToCmdline[tpid];
        if (idx == NO_CMDLINE_MAP) {
            idx = (cmdlineIdx + 1) % cmdlines.length;
            mapPidToCmdline[tpid] = idx;
            cmdlineIdx = idx;
        }
        mapCmdlineToPid[idx] = pid;
        if (cmdlines[idx] == null || !cmdlines[idx].contentEquals(comm)) {
            cmdlines[idx] = comm.toString();
        }
    }

    /** {@code __trace_find_cmdline}. */
    String find(int pid) {
        if (pid == 0) {
            return "<idle>";
        }
        if (pid < 0) {
            return "<XXX>";
        }
        int map = mapPidToCmdline[pid & (PID_MAX_DEFAULT - 1)];
        if (map != NO_CMDLINE_MAP && mapCmdlineToPid[map] == pid) {
            return cmdlines[map];
        }
        return "<...>";
    }
}
