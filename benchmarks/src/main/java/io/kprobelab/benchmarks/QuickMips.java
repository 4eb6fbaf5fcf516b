package io.kprobelab.benchmarks;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Symbol;
import java.util.Locale;

/**
 * A few-second guest-MIPS check for development (JMH gives the figures to record):
 * {@code java -cp benchmarks/target/benchmarks.jar io.kprobelab.benchmarks.QuickMips [seconds-per-workload]}.
 * Prints per-workload MIPS (retired guest instructions per wall-clock microsecond, calls
 * included) and their geometric mean.
 */
public final class QuickMips {

    private QuickMips() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 0.6;
        Machine machine = WorkloadImage.newMachine();
        System.out.printf(Locale.ROOT, "%-10s %12s %10s %8s%n", "workload", "insns/call", "calls", "MIPS");
        double logSum = 0;
        for (Workload w : Workload.values()) {
            long address = machine.symbols().lookup(w.symbol).map(Symbol::address).orElseThrow();
            run(machine, address, (long) (seconds * 0.5e9)); // warm-up: let the JIT settle
            long[] measured = run(machine, address, (long) (seconds * 1e9));
            double mips = measured[1] * 1000.0 / measured[2];
            logSum += Math.log(mips);
            System.out.printf(Locale.ROOT, "%-10s %12d %10d %8.1f%n", w.name().toLowerCase(Locale.ROOT),
                    measured[1] / measured[0], measured[0], mips);
        }
        System.out.printf(Locale.ROOT, "geometric mean: %.1f MIPS (java %s)%n",
                Math.exp(logSum / Workload.values().length), System.getProperty("java.version"));
    }

    /** Calls repeatedly for at least {@code nanos}: {calls, instructions, elapsed ns}. */
    private static long[] run(Machine machine, long address, long nanos) {
        long calls = 0, insns = 0, start = System.nanoTime(), now;
        do {
            CallResult r = machine.call(address, Workload.SEED);
            insns += r.instructions();
            calls++;
            now = System.nanoTime();
        } while (now - start < nanos);
        return new long[] {calls, insns, now - start};
    }
}
