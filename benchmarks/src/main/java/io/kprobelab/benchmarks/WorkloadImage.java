package io.kprobelab.benchmarks;

import io.kprobelab.machine.ElfException;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the workloads' guest ELF with the host gcc, from the C sources shipped in this jar,
 * the way the guest kernel is built: freestanding, -O2, kernel code model, linked at
 * 0xffffffff81000000.
 */
public final class WorkloadImage {

    /** gcc flags of the guest image. */
    public static final List<String> GUEST_FLAGS = List.of("-O2", "-static", "-nostdlib", "-ffreestanding",
            "-fno-pic", "-no-pie", "-mgeneral-regs-only", "-mcmodel=kernel", "-mno-red-zone",
            "-fno-stack-protector", "-Wl,-Ttext-segment=0xffffffff81000000", "-Wl,-e,_start",
            "-Wl,--build-id=none", "-Wall", "-Werror");

    private static final String[] SOURCES = {"workloads.c", "workloads_main.c", "probes.c"};

    private WorkloadImage() {
    }

    private static final String[] OUTPUTS = {"workloads.elf", "workloads-native", "probes.elf", "gcc.log"};

    /**
     * Where sources and outputs go: {@code kprobelab.build.dir} (the tests), or a temporary
     * directory of this JVM's own, removed at exit, so concurrent runs never share files.
     */
    static synchronized Path workDir() throws IOException {
        String dir = System.getProperty("kprobelab.build.dir");
        if (dir != null) {
            Path p = Path.of(dir, "benchmark-workloads");
            Files.createDirectories(p);
            return p;
        }
        if (tempDir == null) {
            tempDir = Files.createTempDirectory("kprobelab-workloads");
            tempDir.toFile().deleteOnExit(); // deleteOnExit runs in reverse order: the files first
            for (String f : SOURCES) {
                tempDir.resolve(f).toFile().deleteOnExit();
            }
            for (String f : OUTPUTS) {
                tempDir.resolve(f).toFile().deleteOnExit();
            }
        }
        return tempDir;
    }

    private static Path tempDir;

    /** Copies the C sources out of the jar into {@code dir}. */
    static void extractSources(Path dir) throws IOException {
        for (String s : SOURCES) {
            try (InputStream in = WorkloadImage.class.getResourceAsStream("c/" + s)) {
                if (in == null) {
                    throw new IOException("workload source c/" + s + " missing from the class path");
                }
                Files.copy(in, dir.resolve(s), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Compiles the guest image and returns it, validated. */
    public static ElfImage build() {
        try {
            Path dir = workDir();
            extractSources(dir);
            Path elf = dir.resolve("workloads.elf");
            List<String> cmd = new ArrayList<>(List.of("gcc"));
            cmd.addAll(GUEST_FLAGS);
            cmd.addAll(List.of(dir.resolve("workloads.c").toString(), "-o", elf.toString()));
            gcc(cmd, dir);
            return ElfImage.read(elf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ElfException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Compiles the probe targets ({@code probes.c}) like the guest kernel: frame pointers kept and
     * no {@code endbr64}, so a function starts with {@code push rbp} as in 2005.
     */
    public static ElfImage buildProbeTargets() {
        try {
            Path dir = workDir();
            extractSources(dir);
            Path elf = dir.resolve("probes.elf");
            List<String> cmd = new ArrayList<>(List.of("gcc"));
            cmd.addAll(GUEST_FLAGS);
            cmd.addAll(List.of("-fno-omit-frame-pointer", "-fcf-protection=none",
                    dir.resolve("probes.c").toString(), "-o", elf.toString()));
            gcc(cmd, dir);
            return ElfImage.read(elf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ElfException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Compiles the native driver and returns its path (it prints each workload's result). */
    public static Path buildNative() throws IOException {
        Path dir = workDir();
        extractSources(dir);
        Path exe = dir.resolve("workloads-native");
        gcc(List.of("gcc", "-O2", "-Wall", "-Werror", dir.resolve("workloads.c").toString(),
                dir.resolve("workloads_main.c").toString(), "-o", exe.toString()), dir);
        return exe;
    }

    /** A fresh one-vCPU machine with the workloads loaded in bare mode. */
    public static Machine newMachine() {
        return Machines.bare(build());
    }

    private static void gcc(List<String> cmd, Path dir) throws IOException {
        Path log = dir.resolve("gcc.log");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run gcc: the benchmarks compile their guest workloads "
                    + "with the host gcc at setup; install gcc (e.g. apt-get install gcc) and retry (" + e.getMessage() + ")", e);
        }
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("gcc timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running gcc", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("gcc failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n"
                    + Files.readString(log));
        }
    }
}
