package io.kprobelab.kprobes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watchdog's lifecycle: the shared timer thread ends with the last open watchdog. */
class HandlerWatchdogTest {

    @Test
    void closing_stopsSampling_andTheLastOneEndsTheTimer() throws InterruptedException {
        // Every test of this module closes what it opens, so none is open here, whatever the order.
        assertEquals(0, HandlerWatchdog.openCount(), "watchdogs left open: a test did not close its KprobesService");
        HandlerWatchdog a = new HandlerWatchdog(100, (kp, which, ms, t) -> { });
        HandlerWatchdog b = new HandlerWatchdog(0, (kp, which, ms, t) -> { });
        assertEquals(2, HandlerWatchdog.openCount());
        assertTrue(a.sampling());
        assertFalse(b.sampling(), "threshold 0: off");
        assertTrue(HandlerWatchdog.timerRunning());
        assertTrue(timerThreadAlive(), "no kprobes-watchdog thread while a watchdog samples");

        a.close();
        a.close(); // twice counts once
        assertFalse(a.sampling());
        a.threshold(50); // closed: schedules nothing
        assertFalse(a.sampling());
        assertEquals(1, HandlerWatchdog.openCount());
        assertTrue(HandlerWatchdog.timerRunning(), "b is still open");
        b.close();
        assertEquals(0, HandlerWatchdog.openCount());
        assertFalse(HandlerWatchdog.timerRunning());
        // and the thread itself ends (shutdownNow only asks it to)
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (timerThreadAlive()) {
            assertTrue(System.nanoTime() < deadline, "the kprobes-watchdog thread is still alive 30 s after the last close");
            Thread.sleep(5);
        }
    }

    private static boolean timerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("kprobes-watchdog") && t.isAlive());
    }
}
