package io.kprobelab.benchmarks;

import io.kprobelab.arch.x86_64.internal.X86Kprobes;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.internal.KprobesService;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.traps.NotifyResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one probe hit. The guest calls {@code probe_target} {@value #CALLS} times in a loop
 * through a function pointer; the score is nanoseconds per call. The cost of a hit is the
 * score of a probed mode minus {@code UNPROBED}:
 * <ul>
 * <li>{@code KPROBE}: a kprobe with an empty pre-handler on the entry (#BP + #DB);</li>
 * <li>{@code KRETPROBE_2005}: a kretprobe with an empty handler, the seed's four traps;</li>
 * <li>{@code KRETPROBE_2_6_13}: the same under the 2.6.13 redesign, three traps;</li>
 * <li>{@code KPROBE_BOOSTED}: the kprobe under 2.6.25 on a non-preemptible kernel: after the
 *     first hit only the #BP (the copy jumps back by itself);</li>
 * <li>{@code KRETPROBE_2_6_25}: the kretprobe under 2.6.25: a boosted entry (#BP) and a
 *     trampoline that calls the handler without a trap — one trap per call.</li>
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ProbeHit</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ProbeHitBenchmark {

    /** Calls of the target per host call. */
    public static final int CALLS = 10_000;

    /** What is planted on {@code probe_target}. */
    public enum Probe { UNPROBED, KPROBE, KRETPROBE_2005, KRETPROBE_2_6_13, KPROBE_BOOSTED, KRETPROBE_2_6_25 }

    @Param({"UNPROBED", "KPROBE", "KRETPROBE_2005", "KRETPROBE_2_6_13", "KPROBE_BOOSTED", "KRETPROBE_2_6_25"})
    public Probe probe;

    private Machine machine;
    private KprobesService core;
    private long loop;

    @Setup(Level.Trial)
    public void plant() throws KprobeException {
        machine = Machines.create(1, 32);
        machine.loadBare(WorkloadImage.buildProbeTargets());
        loop = machine.symbols().lookup("probe_loop").orElseThrow().address();
        X86Kprobes arch = new X86Kprobes();
        Generation g = switch (probe) {
            case KRETPROBE_2_6_13 -> Generation.G2_6_13;
            case KPROBE_BOOSTED, KRETPROBE_2_6_25 -> Generation.G2_6_25;
            default -> Generation.G2005;
        };
        // Not preemptible for 2.6.25 (the booster needs it); the others as before.
        core = new KprobesService(machine, arch, g, g != Generation.G2_6_25);
        machine.setTrapSink((cpu, trap) -> arch.notify(cpu, trap) == NotifyResult.STOP);
        switch (probe) {
            case KPROBE, KPROBE_BOOSTED -> core.registerKprobe(KprobeSpec.at("probe_target").preHandler((p, regs) -> 0));
            case KRETPROBE_2005, KRETPROBE_2_6_13, KRETPROBE_2_6_25 ->
                    core.registerKretprobe(KretprobeSpec.on("probe_target").handler((ri, regs) -> 0));
            case UNPROBED -> { }
        }
    }

    @TearDown(Level.Trial)
    public void check() {
        core.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long hit() {
        return machine.call(loop, CALLS).rax();
    }
}
