package io.kprobelab.kprobes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watchdog's lifecycle: the shared timer thread ends with the last open watchdog. */
class HandlerWatchdogTest {

    @Test
    void closing_stopsSampling_andTheLastOneEndsTheTimer() {
        int before = HandlerWatchdog.openCount();
        HandlerWatchdog a = new HandlerWatchdog(100, (kp, which, ms, t) -> { });
        HandlerWatchdog b = new HandlerWatchdog(0, (kp, which, ms, t) -> { });
        assertEquals(before + 2, HandlerWatchdog.openCount());
        assertTrue(a.sampling());
        assertFalse(b.sampling(), "threshold 0: off");
        assertTrue(HandlerWatchdog.timerRunning());

        a.close();
        a.close(); // twice counts once
        assertFalse(a.sampling());
        a.threshold(50); // closed: schedules nothing
        assertFalse(a.sampling());
        assertEquals(before + 1, HandlerWatchdog.openCount());
        b.close();
        assertEquals(before, HandlerWatchdog.openCount());
        // Cores other tests dropped without close() may keep it; when none is open, it is gone.
        if (before == 0) {
            assertFalse(HandlerWatchdog.timerRunning());
        }
    }
}
