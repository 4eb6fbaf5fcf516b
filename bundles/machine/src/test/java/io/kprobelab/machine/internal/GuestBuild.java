package io.kprobelab.machine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds test guests and helpers with the host gcc into the build directory. */
final class GuestBuild {

    private GuestBuild() {
    }

    static Path buildDir() throws IOException {
        Path d = Paths.get(System.getProperty("kprobelab.build.dir", "target"), "machine-tests");
        Files.createDirectories(d);
        return d;
    }

    static Path source(String rel) {
        Path p = Paths.get("src/test/c").resolve(rel);
        if (!Files.exists(p)) {
            p = Paths.get("bundles/machine/src/test/c").resolve(rel);
        }
        return p.toAbsolutePath();
    }

    /** Compiles a freestanding C file into a static ELF linked at 0xffffffff81000000. */
    static Path kernelElf(String rel, String opt) throws IOException, InterruptedException {
        Path src = source(rel);
        String base = src.getFileName().toString().replace(".c", "");
        Path out = buildDir().resolve(base + opt.replace("-", "_") + ".elf");
        if (Files.exists(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) > 0) {
            return out;
        }
        run(List.of("gcc", opt, "-ffreestanding", "-fno-pic", "-fno-pie", "-no-pie", "-mcmodel=kernel",
                "-mgeneral-regs-only", "-fno-stack-protector", "-fcf-protection=branch", "-nostdlib", "-static",
                "-Wl,-Ttext-segment=0xffffffff81000000", "-Wl,--build-id=none", "-o", out.toString(), src.toString()));
        return out;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("command failed: " + cmd + "\n" + new String(out));
        }
        return new String(out);
    }
}
