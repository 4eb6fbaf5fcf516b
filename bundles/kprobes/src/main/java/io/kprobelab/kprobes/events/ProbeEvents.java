package io.kprobelab.kprobes.events;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The tracefs surface of kprobe events ({@code kernel/trace/trace_kprobe.c}): write
 * {@code kprobe_events}, switch {@code events/GRP/EVENT/enable}, read {@code kprobe_events},
 * {@code kprobe_profile}, {@code trace} and {@code trace_pipe}. Every method is safe to call from
 * any thread while the guest runs. Lines are returned without their newline.
 *
 * <p>Event names given to {@link #enable}, {@link #disable} and {@link #remove} are
 * {@code GRP/EVENT} or a bare {@code EVENT} (which must then be unique across groups).
 */
@ProviderType
public interface ProbeEvents {

    /**
     * Writes one line to {@code kprobe_events} in append mode ({@code >>}): a definition
     * ({@code p:}, {@code r:}, {@code rN:}, {@code SYM%return}) or a removal ({@code -:EVENT}).
     * A new event starts disabled. A refused line changes nothing.
     *
     * @throws ProbeEventException with the kernel's {@code error_log} entry when the kernel logs
     *                             one ({@link ProbeEventException#errorLog()}), and its errno
     */
    void add(String line) throws ProbeEventException;

    /**
     * {@code -:EVENT}: removes every probe of the event.
     *
     * @throws ProbeEventException ENOENT when nothing matches, EBUSY when the event is enabled
     *                             (nothing is removed then)
     */
    void remove(String event) throws ProbeEventException;

    /**
     * {@code echo > kprobe_events}: removes every event, or none (EBUSY) when one is enabled.
     */
    void clear() throws ProbeEventException;

    /** {@code echo 1 > events/GRP/EVENT/enable}; ENOENT for an unknown event. */
    void enable(String event) throws ProbeEventException;

    /** {@code echo 0 > events/GRP/EVENT/enable}; ENOENT for an unknown event. */
    void disable(String event) throws ProbeEventException;

    /** Whether the event is enabled; ENOENT for an unknown event. */
    boolean isEnabled(String event) throws ProbeEventException;

    /** The defined events as {@code GRP/EVENT}, in creation order, each once. */
    List<String> names();

    /** {@code kprobe_events}: one definition per probe, in creation order. */
    List<String> events();

    /** {@code kprobe_profile}: {@code "  %-44s %15lu %15lu"} (event, hits, misses) per probe. */
    List<String> profile();

    /** {@code trace}: the ftrace header then every entry in the buffer (not consumed). */
    List<String> trace();

    /** {@code echo > trace}: empties the trace buffer. */
    void clearTrace();

    /**
     * {@code trace_pipe}: waits up to {@code timeout} for entries, then consumes and returns all
     * there are (no header); empty when none came in time.
     */
    List<String> readTracePipe(long timeout, TimeUnit unit) throws InterruptedException;
}
