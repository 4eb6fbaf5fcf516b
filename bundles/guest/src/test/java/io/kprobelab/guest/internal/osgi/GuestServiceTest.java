package io.kprobelab.guest.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.guest.BootParams;
import io.kprobelab.guest.GuestTask;
import io.kprobelab.guest.ProgramResult;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The Guest service over a real machine: boot to idle, runs, the task list, the log. */
class GuestServiceTest {

    static GuestService.Config config(long runMax) {
        return new GuestService.Config() {
            @Override public long tick_instructions() { return BootParams.DEFAULT_TICK; }
            @Override public long run_max_instructions() { return runMax; }
            @Override public Class<? extends Annotation> annotationType() { return GuestService.Config.class; }
        };
    }

    @Test
    void testActivation_bootsToIdle_pid1ShExited_onlyTheIdleTaskLeft() {
        Machine m = Machines.create(1, 64);
        GuestService g = new GuestService(m, config(10_000_000_000L));
        String log = g.dmesg();
        assertTrue(log.startsWith("[    0.000000] KprobeLab guest kernel, 64 MiB RAM, 1 CPU(s)"), log);
        assertTrue(log.contains("] Command line: sh\n"), log);
        assertTrue(log.endsWith("] sh[1] exited with status 0\n"), log);
        List<GuestTask> tasks = g.tasks();
        assertEquals(1, tasks.size(), tasks.toString());
        assertEquals(new GuestTask(0, 0, 'R', tasks.get(0).ticks(), "swapper"), tasks.get(0));
        g.deactivate();
    }

    @Test
    void testRun_streamsOutput_returnsStatus_tasksSeenWhileItRuns() {
        Machine m = Machines.create(1, 64);
        GuestService g = new GuestService(m, config(10_000_000_000L));
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        List<List<GuestTask>> during = new ArrayList<>();
        ProgramResult r = g.run("mkdir", List.of("/x", "/x"), b -> {
            if (during.isEmpty()) {
                during.add(g.tasks()); // on the vCPU thread, mid-run: the program is on the list
            }
            streamed.write(b);
        });
        assertEquals(1, r.status());
        assertEquals(2, r.pid(), "pid 1 was sh");
        assertEquals("mkdir: cannot create directory '/x': File exists\n", r.output());
        assertEquals(r.output(), streamed.toString());
        List<GuestTask> seen = during.get(0);
        assertTrue(seen.contains(new GuestTask(2, 0, 'R', seen.get(seen.size() - 1).ticks(), "mkdir")), seen.toString());
        assertEquals(List.of("swapper"), g.tasks().stream().map(GuestTask::comm).toList(), "reaped once done");

        assertEquals(0, g.run("/bin/mkdir", List.of("/y"), null).status());
        ProgramResult nosuch = g.run("nosuch", List.of(), b -> { });
        assertEquals(-2, nosuch.pid());
        assertEquals(127, nosuch.status());
        assertTrue(g.dmesg().contains("umh: cannot run nosuch: error -2\n"), g.dmesg());
        g.deactivate();
    }

    @Test
    void testRun_oneAtATime_fromTwoThreads() throws Exception {
        Machine m = Machines.create(1, 64);
        GuestService g = new GuestService(m, config(10_000_000_000L));
        CompletableFuture<ProgramResult> a = CompletableFuture.supplyAsync(() -> g.run("mkdir", List.of("/a"), b -> { }));
        CompletableFuture<ProgramResult> b = CompletableFuture.supplyAsync(() -> g.run("mkdir", List.of("/b"), x -> { }));
        assertEquals(0, a.get().status());
        assertEquals(0, b.get().status());
        assertEquals(5, a.get().pid() + b.get().pid(), "pids 2 and 3, one each");
        g.deactivate();
    }

    @Test
    void testRun_badCommandLines_limit_interrupt() {
        Machine m = Machines.create(1, 64);
        GuestService g = new GuestService(m, config(5_000_000));
        assertThrows(IllegalArgumentException.class, () -> g.run("mkdir", List.of("a b"), null));
        assertThrows(IllegalArgumentException.class, () -> g.run(" ", List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> g.run("mkdir", List.of("x".repeat(300)), null));
        IllegalStateException limit = assertThrows(IllegalStateException.class,
                () -> g.run("spin", List.of("100000000"), b -> { }));
        assertTrue(limit.getMessage().contains("spin 100000000 still running after 5000000 instructions: killed"),
                limit.getMessage());
        assertEquals(List.of("swapper"), g.tasks().stream().map(GuestTask::comm).toList(), "killed and reaped");
        assertEquals(0, g.run("mkdir", List.of("/after-limit"), b -> { }).status(), "the next run is served");
        Thread.currentThread().interrupt();
        try {
            IllegalStateException stop = assertThrows(IllegalStateException.class,
                    () -> g.run("mkdir", List.of("/z"), b -> { }));
            assertTrue(stop.getMessage().startsWith("interrupted"), stop.getMessage());
        } finally {
            Thread.interrupted();
        }
        g.deactivate();
    }

    /**
     * ^C in the shell interrupts guest:run's thread: the program and what it started get SIGINT
     * and are reaped, so the next run is served at once instead of queueing behind them.
     */
    @Test
    void testRun_interrupted_sigintReapsTheProgramAndItsChildren_nextRunServedAtOnce() throws Exception {
        Machine m = Machines.create(1, 64);
        GuestService g = new GuestService(m, config(10_000_000_000L));
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean flagAfter = new java.util.concurrent.atomic.AtomicBoolean();
        Thread[] runner = new Thread[1];
        CompletableFuture<ProgramResult> spin = CompletableFuture.supplyAsync(() -> {
            runner[0] = Thread.currentThread();
            try {
                return g.run("sh", List.of("spin", "100000000000", "&", "spin", "100000000000"), b -> running.countDown());
            } finally {
                flagAfter.set(Thread.interrupted());
            }
        });
        // both spins print their first quarter only after minutes of guest time: wait for them on the task list
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (g.tasks().stream().filter(t -> t.comm().equals("spin")).count() < 2) {
            assertTrue(System.nanoTime() < deadline, "the spins never started: " + g.tasks());
            Thread.sleep(10);
        }
        runner[0].interrupt();
        ProgramResult r = spin.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(128 + 2, r.status(), "killed by SIGINT");
        assertTrue(flagAfter.get(), "the caller still sees its interrupt");
        assertEquals(List.of("swapper"), g.tasks().stream().map(GuestTask::comm).toList(), "sh and both spins reaped");
        ProgramResult next = g.run("mkdir", List.of("/w4"), b -> { });
        assertEquals(0, next.status());
        assertTrue(next.instructions() < 10_000_000, "served at once: " + next.instructions() + " instructions");
        g.deactivate();
    }

    @Test
    void testCmdline_joinsWithSpaces() {
        assertEquals("sh spin 10 & spin 10", GuestService.cmdline("sh", List.of("spin", "10", "&", "spin", "10")));
    }
}
