package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.machine.ElfImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds {@code src/test/c/targets.c} into a bare kernel-address ELF with the host's gcc. */
final class TargetImage {

    private static ElfImage image;

    private TargetImage() {
    }

    static synchronized ElfImage get() throws Exception {
        if (image == null) {
            Path dir = Path.of(System.getProperty("kprobelab.build.dir", "target"), "arch-targets");
            Files.createDirectories(dir);
            Path src = dir.resolve("targets.c");
            try (InputStream in = Files.newInputStream(Path.of("src/test/c/targets.c"))) {
                Files.copy(in, src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path elf = dir.resolve("targets.elf");
            List<String> cmd = List.of("gcc", "-O2", "-static", "-nostdlib", "-ffreestanding", "-fno-pic", "-no-pie",
                    "-mgeneral-regs-only", "-mcmodel=kernel", "-mno-red-zone", "-fno-stack-protector",
                    "-fno-omit-frame-pointer", "-fcf-protection=none", "-Wl,--build-id=none",
                    "-Wl,-Ttext-segment=0xffffffff81000000", "-Wl,-e,driver", "-o", elf.toString(), src.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException("gcc failed: " + out);
            }
            image = ElfImage.read(elf);
        }
        return image;
    }
}
