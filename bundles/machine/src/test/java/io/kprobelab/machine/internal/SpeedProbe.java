package io.kprobelab.machine.internal;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.Symbol;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * A quick speed probe (not a unit test). {@code java -cp ... SpeedProbe [seconds] [elf fn:arg ...]}
 * calls each workload repeatedly and prints guest MIPS per wall-clock second and per CPU second
 * of the vCPU thread (the latter is steadier on a shared machine), and their geometric means.
 * Without arguments it uses src/test/c/workloads/workloads.c at -O2.
 */
public final class SpeedProbe {

    public static void main(String[] a) throws Exception {
        double secs = a.length > 0 ? Double.parseDouble(a[0]) : 3;
        Machine m;
        String[] work;
        if (a.length > 2) {
            m = Machines.create(1, 256);
            m.loadBare(ElfImage.read(Path.of(a[1])));
            work = java.util.Arrays.copyOfRange(a, 2, a.length);
        } else {
            m = BareCallTest.load("-O2");
            work = new String[] {"adler32:40", "crc32:8", "sort:10", "fnv_hash:60", "hashtable:40", "fib:24",
                "divmix:100000"};
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long tid = m.call(work[0].split(":")[0], 1) == null ? -1 : vcpuThread(); // starts the vCPU thread
        double logWall = 0, logCpu = 0;
        for (String w : work) {
            String name = w.split(":")[0];
            long arg = Long.parseLong(w.split(":")[1]);
            long addr = m.symbols().lookup(name).map(Symbol::address).orElseThrow();
            for (long t0 = System.nanoTime(); System.nanoTime() - t0 < secs * 0.5e9; ) {
                m.call(addr, arg); // warm up
            }
            long insns = 0, t0 = System.nanoTime(), c0 = mx.getThreadCpuTime(tid);
            while (System.nanoTime() - t0 < secs * 1e9) {
                CallResult r = m.call(addr, arg);
                insns += r.instructions();
            }
            double wall = insns * 1e3 / (System.nanoTime() - t0);
            double cpu = insns * 1e3 / (mx.getThreadCpuTime(tid) - c0);
            logWall += Math.log(wall);
            logCpu += Math.log(cpu);
            System.out.printf("%-10s %8.1f MIPS wall %8.1f MIPS cpu%n", name, wall, cpu);
        }
        System.out.printf("geomean %.1f MIPS wall, %.1f MIPS per vCPU-thread CPU second%n",
                Math.exp(logWall / work.length), Math.exp(logCpu / work.length));
    }

    private static long vcpuThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("kprobelab-vcpu-0")) {
                return t.getId();
            }
        }
        throw new IllegalStateException("no vCPU thread");
    }
}
