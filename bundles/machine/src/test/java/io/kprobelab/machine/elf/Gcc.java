package io.kprobelab.machine.elf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host toolchain (gcc, readelf, nm) the ELF tests use to build guest images and as oracles.
 * Outputs go under {@code kprobelab.build.dir}; a build is skipped when its flags and sources
 * are unchanged.
 */
final class Gcc {

    /** Flags for a freestanding guest in the kernel's code model, linked at {@link #KERNEL_BASE}. */
    static final List<String> FREESTANDING = List.of("-static", "-nostdlib", "-ffreestanding", "-fno-pic",
            "-no-pie", "-mgeneral-regs-only", "-mno-red-zone", "-fno-stack-protector",
            "-Wl,--build-id=none", "-Wall", "-Werror");
    static final String KERNEL_BASE = "0xffffffff81000000";

    /**
     * {@link #FREESTANDING} with SSE allowed: what gcc emits for integer C by default on x86-64
     * (SSE2 for copies, zeroing and vectorised loops).
     */
    static final List<String> FREESTANDING_SSE = FREESTANDING.stream().filter(f -> !f.equals("-mgeneral-regs-only")).toList();

    /** Sources of the ELF tests. */
    static final Path SOURCES = Path.of("src/test/c/elf");

    private Gcc() {
    }

    static Path buildDir() throws IOException {
        Path dir = Path.of(System.getProperty("kprobelab.build.dir", "target"), "elf-tests");
        Files.createDirectories(dir);
        return dir;
    }

    /** Flags for a kernel-address image with entry {@code entry}. */
    static List<String> kernelImage(String entry) {
        List<String> f = new ArrayList<>(FREESTANDING);
        f.addAll(List.of("-mcmodel=kernel", "-Wl,-Ttext-segment=" + KERNEL_BASE, "-Wl,-e," + entry));
        return f;
    }

    /** Flags for an image at the classic low address 0x400000 (small code model). */
    static List<String> lowImage(String entry) {
        List<String> f = new ArrayList<>(FREESTANDING);
        f.addAll(List.of("-Wl,-Ttext-segment=0x400000", "-Wl,-e," + entry));
        return f;
    }

    /**
     * Runs {@code gcc FLAGS SOURCES LIBS -o out} (sources relative to {@link #SOURCES}; libraries
     * after them, where the linker wants them) unless an identical build exists.
     */
    static Path build(String out, List<String> flags, List<String> sources, List<String> libs) throws Exception {
        Path dir = buildDir();
        Path output = dir.resolve(out);
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(flags);
        for (String s : sources) {
            cmd.add(SOURCES.resolve(s).toAbsolutePath().toString());
        }
        cmd.addAll(libs);
        cmd.addAll(List.of("-o", output.toString()));
        Path stamp = dir.resolve(out + ".stamp");
        String key = digest(cmd, sources);
        if (Files.exists(output) && Files.exists(stamp) && Files.readString(stamp).equals(key)) {
            return output;
        }
        run(cmd);
        Files.writeString(stamp, key);
        return output;
    }

    private static String digest(List<String> cmd, List<String> sources) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(String.join("\0", cmd).getBytes(StandardCharsets.UTF_8));
            try (var files = Files.list(SOURCES)) {
                for (Path p : files.sorted().toList()) { // headers too
                    md.update(Files.readAllBytes(p));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a host command and returns its stdout; fails with its stderr when it fails. */
    static String run(List<String> cmd) throws Exception {
        return run(cmd, null);
    }

    /** Runs a host command feeding {@code stdin} (a file) and returns its stdout. */
    static String run(List<String> cmd, Path stdin) throws Exception {
        Path err = Files.createTempFile(buildDir(), "stderr", ".txt");
        Path outFile = Files.createTempFile(buildDir(), "stdout", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(outFile.toFile());
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + cmd.get(0) + " (is it installed?): " + e.getMessage(), e);
            }
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n"
                        + Files.readString(err));
            }
            return Files.readString(outFile);
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(outFile);
        }
    }
}
