package io.kprobelab.linux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernels the tests read. The team's kernel is built by scripts/linux/build.sh before the tests
 * run (the module's pom); it is never skipped: a missing file fails the test, saying how to get it.
 * The distribution kernel is fetched by scripts/linux/fetch-distro-kernel.sh.
 */
public final class TestKernels {

    private TestKernels() {
    }

    /** The folder build.sh caches the team's kernel in (system property {@code kprobelab.linux.dir}). */
    public static Path teamDir() {
        String dir = System.getProperty("kprobelab.linux.dir",
                System.getProperty("user.home") + "/.cache/kprobelab/linux-6.1");
        return Path.of(dir);
    }

    /** A file of the team's kernel build ({@code vmlinux}, {@code bzImage}, {@code System.map}, ...). */
    public static Path team(String file) {
        Path p = teamDir().resolve(file);
        if (!Files.isRegularFile(p)) {
            fail(p + " is missing: run scripts/linux/build.sh (the module's test build runs it)");
        }
        return p;
    }

    /** Bytes of {@link #team(String)}. */
    public static byte[] teamBytes(String file) {
        try {
            return Files.readAllBytes(team(file));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The Debian cloud kernel's folder (vmlinuz-*, System.map-*, config-*), fetched once by
     * scripts/linux/fetch-distro-kernel.sh, which prints the vmlinuz path.
     */
    public static Path distroKernel() {
        Path script = Path.of(System.getProperty("kprobelab.scripts.dir", "../../scripts/linux"))
                .resolve("fetch-distro-kernel.sh");
        try {
            Process p = new ProcessBuilder("bash", script.toString(), "--quiet")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int rc = p.waitFor();
            if (rc != 0 || out.isEmpty()) {
                fail(script + " failed (exit " + rc + ")");
            }
            List<String> lines = out.lines().toList();
            return Path.of(lines.get(lines.size() - 1));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
