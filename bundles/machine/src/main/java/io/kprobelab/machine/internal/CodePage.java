package io.kprobelab.machine.internal;

import java.util.ArrayList;

/** The decoded blocks that start in, or reach into, one physical page. */
final class CodePage {
    /** Blocks by their start offset in this page. */
    final Block[] at = new Block[4096];
    /** Every block whose bytes touch this page (including ones that start on the page before). */
    final ArrayList<Block> all = new ArrayList<>();
}
