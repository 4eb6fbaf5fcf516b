package io.kprobelab.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.ops4j.pax.exam.Option;

/**
 * What the Pax Exam tests share: the packaged runtime (the stack's bundles and the reactor's)
 * booting a bare ELF, and running a command through a Gogo session as a user types it.
 */
final class RuntimeSupport {

    private RuntimeSupport() {
    }

    /** SCR with its API bundles, ConfigAdmin, Gogo, and every KprobeLab bundle, booting {@code elf}. */
    static Option runtime(Path elf) {
        return composite(frameworkProperty("kprobelab.elf").value(elf.toString()), bundles());
    }

    /** The same bundles booting the bundled guest kernel (no {@code kprobelab.elf}), as the launcher does. */
    static Option guestRuntime() {
        return bundles();
    }

    /** The same bundles booting a Linux kernel with an initramfs, as {@code --kernel}/{@code --initrd} do. */
    static Option linuxRuntime(Path kernel, Path initrd) {
        return composite(frameworkProperty("kprobelab.kernel").value(kernel.toString()),
                frameworkProperty("kprobelab.initrd").value(initrd.toString()), bundles());
    }

    private static Option bundles() {
        return composite(
                junitBundles(),
                cleanCaches(),
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                mavenBundle("org.osgi", "org.osgi.util.function", "1.2.0"),
                mavenBundle("org.osgi", "org.osgi.util.promise", "1.3.0"),
                mavenBundle("org.osgi", "org.osgi.service.component", "1.5.1"),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin", "1.9.26"),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", "2.2.12"),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime", "1.1.6"),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.command", "1.1.2"),
                reactorBundle("x86"), reactorBundle("machine"), reactorBundle("traps"),
                // the shell's kprobe:* commands import the kprobes API, so the core and arch come too;
                // its guest:* commands the guest's (which stays disabled here: kprobelab.elf is set)
                reactorBundle("kprobes"), reactorBundle("arch-x86_64"), reactorBundle("guest"),
                reactorBundle("linux"), reactorBundle("shell"));
    }

    /** A reactor module's jar, found through the property failsafe sets, by reference. */
    static Option reactorBundle(String module) {
        String path = System.getProperty("kprobelab." + module + ".jar");
        if (path == null) {
            throw new IllegalStateException("kprobelab." + module + ".jar is not set: run through Maven (failsafe)");
        }
        return bundle("reference:" + new File(path).toURI());
    }

    /**
     * Runs a command in a new session: what it wrote to the session's output (when
     * {@code withOutput}), then its result as Gogo prints it (empty when null).
     */
    static String run(CommandProcessor processor, String command, boolean withOutput) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Object result = session.execute(command);
            String formatted = result == null ? "" : session.format(result, Converter.INSPECT).toString();
            return withOutput ? out.toString(StandardCharsets.UTF_8) + formatted : formatted;
        } finally {
            session.close();
        }
    }
}
