package io.kprobelab.linux.internal.image;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the System.map that belongs beside a kernel file, as distributions install them:
 * {@code System.map} next to a build's {@code vmlinux}/{@code bzImage}, or {@code System.map-RELEASE}
 * next to {@code vmlinuz-RELEASE} (the release also comes from the bzImage's version string).
 */
final class SystemMapFinder {

    private SystemMapFinder() {
    }

    /** The map for {@code kernel}, or null. {@code release} is the bzImage's, or null. */
    static Path beside(Path kernel, String release) {
        Path dir = kernel.toAbsolutePath().getParent();
        if (dir == null) {
            return null;
        }
        String file = kernel.getFileName().toString();
        int dash = file.indexOf('-');
        String[] candidates = {
            release == null || release.isEmpty() ? null : "System.map-" + release,
            dash < 0 ? null : "System.map" + file.substring(dash),
            "System.map",
        };
        for (String c : candidates) {
            if (c != null && Files.isRegularFile(dir.resolve(c))) {
                return dir.resolve(c);
            }
        }
        return null;
    }
}
