package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.machine.ElfImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds {@code src/test/c/targets.c} into a bare kernel-address ELF with the host's gcc. */
final class TargetImage {

    private static final java.util.Map<String, ElfImage> IMAGES = new java.util.HashMap<>();

    private TargetImage() {
    }

    /** The targets at -O2. */
    static ElfImage get() throws Exception {
        return get("-O2");
    }

    /** The targets built with optimisation level {@code opt} ({@code -O0}, {@code -O2}, {@code -Os}). */
    static synchronized ElfImage get(String opt) throws Exception {
        ElfImage image = IMAGES.get(opt);
        if (image == null) {
            Path dir = Path.of(System.getProperty("kprobelab.build.dir", "target"), "arch-targets");
            Files.createDirectories(dir);
            Path src = dir.resolve("targets.c");
            try (InputStream in = Files.newInputStream(Path.of("src/test/c/targets.c"))) {
                Files.copy(in, src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path elf = dir.resolve("targets" + opt + ".elf");
            List<String> cmd = List.of("gcc", opt, "-static", "-nostdlib", "-ffreestanding", "-fno-pic", "-no-pie",
                    "-mgeneral-regs-only", "-mcmodel=kernel", "-mno-red-zone", "-fno-stack-protector",
                    "-fno-omit-frame-pointer", "-fcf-protection=none", "-Wl,--build-id=none",
                    "-Wl,-Ttext-segment=0xffffffff81000000", "-Wl,-e,driver", "-o", elf.toString(), src.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException("gcc failed: " + out);
            }
            image = ElfImage.read(elf);
            IMAGES.put(opt, image);
        }
        return image;
    }
}
