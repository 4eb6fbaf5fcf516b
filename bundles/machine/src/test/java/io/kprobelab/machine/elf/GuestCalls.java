package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.fail;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The emulator side of the whole-function oracle: calls a guest image's functions in bare mode,
 * in one machine per image, and compares each call with the result the {@link HostDriver}
 * printed for the same arguments. Calls run on a caller thread so that one whose vCPU spins
 * forever can be abandoned.
 */
final class GuestCalls implements AutoCloseable {

    private static final int MAX_REPORTED = 12;
    private static final int CALL_SECONDS = 20;

    /**
     * Something the host driver prints after RAX, read from the guest the same way once the
     * call has returned, e.g. a hash of a state the function writes.
     */
    record Extra(String what, Reader reader) {
    }

    interface Reader {
        long read(Machine m) throws Exception;
    }

    /** Says where the emulator first went wrong on one argument set (e.g. a {@link DivergenceFinder} trace). */
    interface Narrowing {
        String explain(long[] args) throws Exception;
    }

    private final String threadName;
    private final Map<Path, Machine> machines = new HashMap<>();
    private ExecutorService caller;

    GuestCalls(String threadName) {
        this.threadName = threadName;
        this.caller = newCaller();
    }

    private ExecutorService newCaller() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    private Machine machine(Path elf) throws Exception {
        Machine m = machines.get(elf);
        if (m == null) {
            m = SmallMachines.bare(ElfImage.read(elf));
            machines.put(elf, m);
        }
        return m;
    }

    /**
     * Calls {@code fn} of {@code elf} with every set of {@code sets} and fails if any result
     * differs from {@code want}: per set, RAX then one number per {@code extras}, as
     * {@link HostDriver#run} returns them. The failure lists the first differences and, for the
     * first set that returned something else, {@code narrow}'s account of where the emulator
     * went wrong. {@code label} (the build's level) starts every line.
     */
    void compare(String label, Path elf, String fn, List<long[]> sets, long[] want, List<Extra> extras,
            Narrowing narrow) throws Exception {
        int columns = 1 + extras.size();
        List<String> mismatches = new ArrayList<>();
        long[] firstBad = null;
        int count = 0;
        for (int k = 0; k < sets.size(); k++) {
            long[] args = sets.get(k);
            Machine m = machine(elf);
            String got;
            Future<long[]> f = caller.submit(() -> {
                CallResult r = m.call(fn, args);
                long[] out = new long[columns + 1];
                out[0] = r.rax();
                for (int e = 0; e < extras.size(); e++) {
                    out[1 + e] = extras.get(e).reader().read(m);
                }
                out[columns] = r.instructions();
                return out;
            });
            try {
                got = differences(f.get(CALL_SECONDS, TimeUnit.SECONDS), want, k * columns, extras);
                if (got == null) {
                    continue;
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                // Each call starts from fresh registers, so the machine stays usable. (Machines are
                // not replaced: a machine's vCPU thread and memory are never released.)
                got = c instanceof GuestOops o ? "oops: " + o.report().replace("\n", " | ") : c.toString();
            } catch (TimeoutException e) {
                // The vCPU may spin forever: abandon that machine and its calling thread.
                f.cancel(true);
                machines.remove(elf);
                caller.shutdownNow();
                caller = newCaller();
                mismatches.add(String.format("%s %s(%s): expected 0x%x, got no return within %d s; "
                        + "the remaining argument sets were skipped", label, fn, hex(args), want[k * columns], CALL_SECONDS));
                count++;
                break;
            }
            count++;
            if (firstBad == null) {
                firstBad = args;
            }
            if (mismatches.size() < MAX_REPORTED) {
                mismatches.add(String.format("%s %s(%s): expected 0x%x, got %s", label, fn, hex(args), want[k * columns], got));
            }
        }
        if (count > 0) {
            fail(count + " of " + sets.size() + " argument sets differ:\n" + String.join("\n", mismatches)
                    + (firstBad == null ? "" : "\nNarrowed down on the first one: " + narrow.explain(firstBad)));
        }
    }

    /** Null if {@code got} (RAX, the extras, the instruction count) matches {@code want} from {@code at}, else what differs. */
    private static String differences(long[] got, long[] want, int at, List<Extra> extras) {
        if (got[0] != want[at]) {
            return String.format("0x%x (%d insns)", got[0], got[1 + extras.size()]);
        }
        for (int e = 0; e < extras.size(); e++) {
            if (got[1 + e] != want[at + 1 + e]) {
                return String.format("RAX right but %s 0x%x, native 0x%x", extras.get(e).what(), got[1 + e], want[at + 1 + e]);
            }
        }
        return null;
    }

    static String hex(long[] args) {
        StringBuilder sb = new StringBuilder();
        for (long a : args) {
            sb.append(sb.length() == 0 ? "" : ", ").append("0x").append(Long.toHexString(a));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        caller.shutdownNow();
    }
}
