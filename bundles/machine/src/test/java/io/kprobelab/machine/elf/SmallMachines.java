package io.kprobelab.machine.elf;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;

/**
 * {@link Machines#bare} with 32 MiB instead of 256: a machine's memory and vCPU thread are never
 * released (the API has no close), so the tests keep their machines small.
 */
final class SmallMachines {

    private SmallMachines() {
    }

    static Machine bare(ElfImage image) {
        Machine m = Machines.create(1, 32);
        m.loadBare(image);
        return m;
    }
}
