package io.kprobelab.benchmarks;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link GuestMipsBenchmark} under JMH and ends with the figure to record: guest MIPS per
 * workload and their geometric mean.
 * {@code java -cp benchmarks/target/benchmarks.jar io.kprobelab.benchmarks.JmhMips [JMH options]}.
 */
public final class JmhMips {

    private JmhMips() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(GuestMipsBenchmark.class.getName() + ".run").build();
        Collection<RunResult> results = new Runner(options).run();
        double logSum = 0;
        int n = 0;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-10s %10s%n", "workload", "MIPS");
        for (RunResult r : results) {
            Result<?> insns = r.getSecondaryResults().get("instructions");
            if (insns == null) {
                continue;
            }
            double mips = insns.getScore(); // ops/us of retired instructions
            System.out.printf(Locale.ROOT, "%-10s %10.1f ± %.1f%n",
                    r.getParams().getParam("workload").toLowerCase(Locale.ROOT), mips, insns.getScoreError());
            logSum += Math.log(mips);
            n++;
        }
        if (n > 0) {
            System.out.printf(Locale.ROOT, "geometric mean: %.1f MIPS over %d workloads (java %s)%n",
                    Math.exp(logSum / n), n, System.getProperty("java.version"));
        }
    }
}
