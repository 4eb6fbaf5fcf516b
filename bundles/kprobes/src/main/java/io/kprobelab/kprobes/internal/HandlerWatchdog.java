package io.kprobelab.kprobes.internal;

import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The soft-lockup detector for probe handlers ({@code kernel/watchdog.c}'s
 * {@code watchdog_timer_fn}, applied to handler calls): a handler still running after the
 * threshold has stalled its vCPU. It is reported once, with the vCPU thread's stack (as the
 * kernel prints "BUG: soft lockup - CPU#N stuck for Ns!"), and its probe is shut off like one
 * whose handler threw: no handler of that probe runs again, and when the stuck call returns the
 * guest goes on.
 *
 * <p>The hot path costs a thread-local lookup and two plain volatile writes: each vCPU thread
 * counts handler entries and exits in its own {@link Activity} (odd while inside a handler), and
 * a shared daemon thread samples the counts, as the kernel's hrtimer samples the touch stamps.
 * A Java thread cannot be stopped from outside: a handler that never returns keeps its vCPU;
 * the report says which probe and where.
 */
final class HandlerWatchdog {

    private static final System.Logger LOG = System.getLogger("io.kprobelab.kprobes");

    /**
     * One timer thread for every open watchdog in the JVM (tests make many cores); it never keeps
     * a core alive, and it ends when the last watchdog is closed, so a stopped bundle leaves no
     * thread behind.
     */
    private static ScheduledExecutorService timer;
    private static int open;

    private static synchronized ScheduledExecutorService timer() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kprobes-watchdog");
                t.setDaemon(true);
                return t;
            });
        }
        return timer;
    }

    /** Watchdogs constructed and not closed (for tests). */
    static synchronized int openCount() {
        return open;
    }

    /** Whether the timer thread exists (for tests). */
    static synchronized boolean timerRunning() {
        return timer != null;
    }

    /** Whether this watchdog has a sampling task scheduled (for tests). */
    synchronized boolean sampling() {
        return check != null;
    }

    private static synchronized void retain() {
        open++;
    }

    private static synchronized void release() {
        if (--open == 0 && timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    private boolean closed;

    /** The core's reaction to a stalled handler: shut the probe off. */
    interface Stall {
        void stalled(KprobeImpl kp, String which, long stuckMillis, Thread thread);
    }

    /** What one vCPU thread is doing: a handler call in progress when {@link #seq} is odd. */
    static final class Activity {
        final Thread thread;
        volatile long seq;
        volatile KprobeImpl probe;
        volatile String which;
        // the timer thread's view (read by stalled() from other threads)
        private volatile long seenSeq = -1;
        private long since;
        private volatile boolean reported;

        Activity(Thread thread) {
            this.thread = thread;
        }
    }

    private final ThreadLocal<Activity> local = ThreadLocal.withInitial(this::newActivity);
    private final List<Activity> activities = new CopyOnWriteArrayList<>();
    private final Stall stall;
    private volatile long thresholdNanos;
    private volatile ScheduledFuture<?> check;

    /** @param thresholdMillis how long a handler may run; 0 turns the watchdog off */
    HandlerWatchdog(long thresholdMillis, Stall stall) {
        this.stall = stall;
        retain();
        threshold(thresholdMillis);
    }

    /** Changes the threshold (0: off); sampling runs at a quarter of it. */
    synchronized void threshold(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("watchdog threshold must be >= 0 ms: " + millis);
        }
        thresholdNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        if (millis > 0 && !closed) {
            WeakReference<HandlerWatchdog> self = new WeakReference<>(this);
            long period = Math.max(1, millis / 4);
            ScheduledFuture<?>[] mine = new ScheduledFuture<?>[1];
            mine[0] = timer().scheduleAtFixedRate(() -> {
                HandlerWatchdog w = self.get();
                if (w == null) {
                    mine[0].cancel(false); // the core was dropped without close()
                } else {
                    w.sample();
                }
            }, period, period, TimeUnit.MILLISECONDS);
            check = mine[0];
        }
    }

    long thresholdMillis() {
        return TimeUnit.NANOSECONDS.toMillis(thresholdNanos);
    }

    /** Stops sampling. */
    synchronized void close() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        if (!closed) {
            closed = true;
            release();
        }
    }

    private Activity newActivity() {
        Activity a = new Activity(Thread.currentThread());
        activities.add(a);
        return a;
    }

    /** The last thread's activity: with one vCPU (the usual case) it spares the thread-local lookup. */
    private Activity last = new Activity(null);

    /** A handler of {@code kp} starts on this thread; pass the result to {@link #exit}. */
    Activity enter(KprobeImpl kp, String which) {
        Activity a = last; // read once: another vCPU may replace it, never with ours
        if (a.thread != Thread.currentThread()) {
            a = local.get();
            last = a;
        }
        a.probe = kp;
        a.which = which;
        a.seq = a.seq + 1;
        return a;
    }

    /** The handler returned (or threw). */
    static void exit(Activity a) {
        a.seq = a.seq + 1;
    }

    /**
     * The stall in progress, if any: a handler reported and still running on another thread than
     * the caller's. Its vCPU will not park, so stop-machine (every text change) cannot complete.
     *
     * @return what is stuck, or null
     */
    String stalled() {
        Thread self = Thread.currentThread();
        for (Activity a : activities) {
            long s = a.seq;
            if (a.reported && (s & 1) != 0 && s == a.seenSeq && a.thread != self) {
                return a.thread.getName() + " is stuck in the " + a.which + " of " + a.probe;
            }
        }
        return null;
    }

    /** One look at every vCPU thread (the timer's). */
    void sample() {
        long now = System.nanoTime();
        long threshold = thresholdNanos;
        for (Activity a : activities) {
            if (!a.thread.isAlive()) {
                activities.remove(a);
                continue;
            }
            long s = a.seq;
            if (s != a.seenSeq) {
                a.seenSeq = s;
                a.since = now;
                a.reported = false;
            } else if ((s & 1) != 0 && !a.reported && threshold > 0 && now - a.since >= threshold) {
                a.reported = true;
                report(a, TimeUnit.NANOSECONDS.toMillis(now - a.since));
            }
        }
    }

    private void report(Activity a, long stuckMillis) {
        KprobeImpl kp = a.probe;
        Throwable where = new Throwable("stack of " + a.thread.getName());
        where.setStackTrace(a.thread.getStackTrace());
        LOG.log(Level.ERROR, "watchdog: BUG: soft lockup - " + a.thread.getName() + " stuck for "
                + stuckMillis / 1000.0 + "s in the " + a.which + " of " + kp
                + (kp.spec.owner() != null ? " (" + kp.spec.owner() + ")" : "") + "; probe disabled", where);
        stall.stalled(kp, a.which, stuckMillis, a.thread);
    }
}
