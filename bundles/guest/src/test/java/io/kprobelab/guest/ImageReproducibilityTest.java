package io.kprobelab.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed vmlinux is what its sources build to: when the host's gcc is the one named in
 * the image's {@code .comment} (BOOT.md section 1), {@code make verify} rebuilds it in a
 * temporary folder and compares byte for byte. Skipped on hosts without that gcc.
 */
class ImageReproducibilityTest {

    @TempDir
    Path build;

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        return p.exitValue() + "\n" + out;
    }

    @Test
    void testCommittedImage_isRebuiltByteForByte_whenTheSameGccIsPresent() throws Exception {
        Path src = Path.of("src/main/c");
        assumeTrue(Files.isDirectory(src), "sources not found from " + Path.of("").toAbsolutePath());
        byte[] image = GuestKernelTestSupport.imageBytes();
        String comment = new String(image, StandardCharsets.ISO_8859_1);
        int at = comment.indexOf("GCC: ");
        assumeTrue(at >= 0, "no .comment in the image");
        String builtWith = comment.substring(at + 5, comment.indexOf('\0', at));
        String gcc;
        try {
            gcc = run(null, "gcc", "--version");
        } catch (IOException e) {
            gcc = "";
        }
        assumeTrue(gcc.startsWith("0\n") && gcc.split("\n")[1].contains(builtWith),
                "host gcc is not " + builtWith);
        String out = run(src, "make", "BUILD=" + build.toAbsolutePath(), "verify");
        assertEquals("0", out.substring(0, out.indexOf('\n')), out);
    }
}
