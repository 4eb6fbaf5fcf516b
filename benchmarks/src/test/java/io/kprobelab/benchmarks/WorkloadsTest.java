package io.kprobelab.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.Machine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The workloads measure what they claim: each retires at least a million guest instructions per
 * call and computes exactly what the same C computes natively. (JMH itself never runs here.)
 */
class WorkloadsTest {

    @Test
    void everyWorkload_matchesNative_andRetiresAMillionInstructions() throws Exception {
        Path exe = WorkloadImage.buildNative();
        Process p = new ProcessBuilder(exe.toString(), Long.toString(Workload.SEED)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        Map<String, Long> nativeResults = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split(" ");
            nativeResults.put(f[0], Long.parseUnsignedLong(f[1], 16));
        }
        assertEquals(Workload.values().length, nativeResults.size(), out);

        Machine m = WorkloadImage.newMachine();
        for (Workload w : Workload.values()) {
            CallResult first = m.call(w.symbol, Workload.SEED);
            CallResult second = m.call(w.symbol, Workload.SEED);
            assertEquals(nativeResults.get(w.symbol), first.rax(), w + ": emulator vs native, " + first);
            assertEquals(first.rax(), second.rax(), w + " is repeatable");
            assertEquals(first.instructions(), second.instructions(), w + " retires the same count each call");
            assertTrue(first.instructions() >= 1_000_000, w + " retires only " + first.instructions());
        }
    }
}
