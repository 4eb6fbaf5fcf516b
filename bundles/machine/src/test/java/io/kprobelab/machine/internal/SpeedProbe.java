package io.kprobelab.machine.internal;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.Machine;

/**
 * A quick speed probe (not a unit test): {@code java -cp ... SpeedProbe [seconds]} runs each
 * workload repeatedly and prints guest MIPS and the geometric mean.
 */
public final class SpeedProbe {

    public static void main(String[] a) throws Exception {
        double secs = a.length > 0 ? Double.parseDouble(a[0]) : 3;
        Machine m = BareCallTest.load("-O2");
        Object[][] work = {{"adler32", 40L}, {"crc32", 8L}, {"sort", 10L}, {"fnv_hash", 60L}, {"hashtable", 40L},
            {"fib", 24L}, {"divmix", 100000L}};
        double logSum = 0;
        for (Object[] w : work) {
            String name = (String) w[0];
            long arg = (Long) w[1];
            long t0 = System.nanoTime();
            long insns = 0, ns = 0;
            double best = 0;
            while (System.nanoTime() - t0 < secs * 1e9) {
                CallResult r = m.call(name, arg);
                insns += r.instructions();
                ns += r.nanos();
                best = Math.max(best, r.instructions() * 1e3 / r.nanos());
            }
            double mips = insns * 1e3 / ns;
            logSum += Math.log(best);
            System.out.printf("%-10s %8.1f MIPS (best run %8.1f, %d insns/call)%n", name, mips, best,
                    m.call(name, arg).instructions());
        }
        System.out.printf("geomean(best) %.1f MIPS%n", Math.exp(logSum / work.length));
    }
}
