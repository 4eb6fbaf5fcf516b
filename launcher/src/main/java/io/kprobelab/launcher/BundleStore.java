package io.kprobelab.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The nested bundle jars as plain files, so Felix can install them by reference instead of
 * copying each into its cache at every start. Extracted once per launcher jar (keyed by its size
 * and time stamp) into the temp directory; in a build, the classes directory already has them.
 */
final class BundleStore {

    private BundleStore() {
    }

    /** The directory that holds {@code bundles/...} as files. */
    static Path bundles() throws IOException {
        Path code;
        try {
            code = Path.of(BundleStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the launcher jar", e);
        }
        if (Files.isDirectory(code)) {
            return code; // target/classes: bundles/ is already there
        }
        // One store per launcher jar path, replaced when that jar is rebuilt.
        String prefix = "kprobelab-" + System.getProperty("user.name", "user") + "-bundles-"
                + Integer.toHexString(code.toString().hashCode()) + "-";
        Path store = Path.of(System.getProperty("java.io.tmpdir"), prefix + Long.toHexString(Files.size(code))
                + "-" + Long.toHexString(Files.getLastModifiedTime(code).toMillis()));
        if (Files.isRegularFile(store.resolve(".complete"))) {
            return store;
        }
        // Extract beside it and rename into place, so concurrent launchers never see half a store.
        Path tmp = Files.createTempDirectory(store.getParent(), store.getFileName() + ".tmp");
        try (JarFile jar = new JarFile(code.toFile())) {
            for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements();) {
                JarEntry e = en.nextElement();
                if (e.isDirectory() || !e.getName().startsWith("bundles/")) {
                    continue;
                }
                Path target = tmp.resolve(e.getName()).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("bad entry in launcher jar: " + e.getName());
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, target);
                }
            }
        }
        Files.createFile(tmp.resolve(".complete"));
        try {
            Files.move(tmp, store, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
            delete(tmp); // another launcher won the race
        }
        try (Stream<Path> old = Files.list(store.getParent())) {
            old.filter(p -> p.getFileName().toString().startsWith(prefix) && !p.equals(store)
                    && !p.getFileName().toString().contains(".tmp")).forEach(BundleStore::delete);
        }
        return store;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // temp files: best effort
        }
    }
}
