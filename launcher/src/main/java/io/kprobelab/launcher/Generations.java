package io.kprobelab.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The kprobes generations, read from the one list there is: the kprobes bundle's
 * {@code io.kprobelab.kprobes.Generation} enum, loaded from the nested bundle jar in a class
 * loader of its own (it needs nothing but java.base), so {@code --generation} accepts and
 * {@code --help} names exactly what the runtime has.
 */
final class Generations {

    private static final String ENUM = "io.kprobelab.kprobes.Generation";

    private static volatile List<String> labels;

    private Generations() {
    }

    /** {@code 2005, 2.6.13, 2.6.25, ...}, oldest first. */
    @SuppressWarnings("unchecked")
    static List<String> labels() {
        List<String> l = labels;
        if (l == null) {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {kprobesJar().toUri().toURL()}, null)) {
                l = List.copyOf((List<String>) loader.loadClass(ENUM).getMethod("labels").invoke(null));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the kprobes bundle: " + e.getMessage(), e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read the generations from the kprobes bundle: " + e, e);
            }
            labels = l;
        }
        return l;
    }

    /** {@code 2005 (default), 2.6.13 or 2.6.25}. */
    static String described() {
        List<String> l = labels();
        StringBuilder sb = new StringBuilder(l.get(0)).append(" (default)");
        for (int i = 1; i < l.size(); i++) {
            sb.append(i == l.size() - 1 ? " or " : ", ").append(l.get(i));
        }
        return sb.toString();
    }

    // bundles/io/kprobelab/kprobes/VERSION/kprobes-VERSION.jar
    private static Path kprobesJar() throws IOException {
        Path dir = BundleStore.bundles().resolve("bundles/io/kprobelab/kprobes");
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(p -> p.getFileName().toString().startsWith("kprobes-")
                    && p.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IOException("no kprobes bundle under " + dir));
        }
    }
}
