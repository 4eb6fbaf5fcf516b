package io.kprobelab.benchmarks;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Symbol;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Guest MIPS per workload. Throughput mode in operations per microsecond: the primary score is
 * calls/us, and the auxiliary counter {@code instructions} (retired guest instructions, from
 * {@link CallResult#instructions()}) is normalised the same way, so its score in ops/us
 * <em>is</em> guest MIPS. Geometric mean: over the {@code :instructions} rows (or use
 * {@link QuickMips}).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar GuestMips</pre>
 * or, ending with the geometric mean, {@link JmhMips}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GuestMipsBenchmark {

    @Param({"ADLER32", "CRC32", "HASHING", "QUICKSORT", "HEAPSORT", "HASHTABLE", "RECURSION"})
    public Workload workload;

    private Machine machine;
    private long address;

    /** Retired guest instructions, normalised like the primary metric: ops/us = MIPS. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Retired {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
        }
    }

    @Setup(Level.Trial)
    public void load() {
        machine = WorkloadImage.newMachine();
        address = machine.symbols().lookup(workload.symbol).map(Symbol::address)
                .orElseThrow(() -> new IllegalStateException("no symbol " + workload.symbol));
    }

    @Benchmark
    public long run(Retired retired) {
        CallResult r = machine.call(address, Workload.SEED);
        retired.instructions += r.instructions();
        return r.rax();
    }
}
