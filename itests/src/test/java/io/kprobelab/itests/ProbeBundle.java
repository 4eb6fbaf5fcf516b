package io.kprobelab.itests;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A consumer bundle built at test time, the way a kernel module is built out of tree: a
 * BundleActivator that registers a die notifier consuming every #BP (resuming after the int3).
 */
final class ProbeBundle {

    static final String SOURCE = String.join("\n",
            "package itest.bp;",
            "import io.kprobelab.machine.Trap;",
            "import io.kprobelab.traps.DieNotifier;",
            "import io.kprobelab.traps.NotifyResult;",
            "import java.util.Hashtable;",
            "import org.osgi.framework.BundleActivator;",
            "import org.osgi.framework.BundleContext;",
            "public class Activator implements BundleActivator {",
            "  public void start(BundleContext ctx) {",
            "    Hashtable<String, Object> props = new Hashtable<>();",
            "    props.put(DieNotifier.PRIORITY, 100);",
            "    DieNotifier n = (cpu, trap) -> trap.vector() == Trap.BP ? NotifyResult.STOP : NotifyResult.DONE;",
            "    ctx.registerService(DieNotifier.class, n, props);",
            "  }",
            "  public void stop(BundleContext ctx) { }",
            "}",
            "");

    private ProbeBundle() {
    }

    /** Compiles the activator against the API jars and writes the bundle to {@code jar}. */
    static void build(Path jar, Path work) throws IOException {
        build(jar, work, "itest.bp", SOURCE, "io.kprobelab.machine;version=\"[1.0,2)\",io.kprobelab.traps;version=\"[1.0,2)\","
                + "org.osgi.framework;version=\"[1.8,2)\"");
    }

    /**
     * Compiles {@code source} (package {@code bsn}, class {@code Activator}) against the API jars
     * and writes a bundle with that activator and {@code imports} to {@code jar}.
     */
    static void build(Path jar, Path work, String bsn, String source, String imports) throws IOException {
        Path src = work.resolve("src/" + bsn.replace('.', '/') + "/Activator.java");
        Path classes = work.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source, StandardCharsets.UTF_8);
        String cp = String.join(File.pathSeparator, System.getProperty("kprobelab.machine.jar"),
                System.getProperty("kprobelab.traps.jar"), System.getProperty("kprobelab.kprobes.jar"),
                System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-cp", cp, "-d", classes.toString(), src.toString());
        if (rc != 0) {
            throw new IOException("javac failed on the probe bundle (" + rc + ")");
        }
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.putValue("Manifest-Version", "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", bsn + ".Activator");
        a.putValue("Import-Package", imports);
        Path tmp = work.resolve(bsn + ".jar");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar2 = new JarOutputStream(out, mf);
                Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jar2.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
                jar2.write(Files.readAllBytes(p));
                jar2.closeEntry();
            }
        }
        // Dropped in whole: FileInstall must never see half a jar.
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
