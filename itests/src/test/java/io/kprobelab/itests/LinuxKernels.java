package io.kprobelab.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The team's Linux kernel and initramfs, as scripts/linux/build.sh caches them: the script runs
 * (in a second when the cache is filled, which the linux module's tests have done earlier in the
 * build), so a Linux integration test never skips on a fresh machine.
 */
final class LinuxKernels {

    private LinuxKernels() {
    }

    /** {vmlinux, initramfs.cpio.gz}. */
    static synchronized List<Path> team() {
        Path script = Path.of(System.getProperty("kprobelab.scripts.dir", "../scripts/linux")).resolve("build.sh");
        try {
            Process p = new ProcessBuilder("bash", script.toString(), "--quiet")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(script + " failed (exit " + p.exitValue() + ")");
            }
            List<Path> paths = out.lines().map(Path::of).toList();
            if (paths.size() != 2 || !paths.stream().allMatch(Files::isRegularFile)) {
                throw new IllegalStateException(script + " printed no kernel and initramfs: " + out);
            }
            return paths;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
