package io.kprobelab.linux.internal.symbols;

/**
 * Where the kallsyms tables lie in an image, as file offsets. scripts/kallsyms.c (6.1,
 * {@code write_src}) emits them into .rodata one after the other, each 8-byte aligned:
 * {@code kallsyms_offsets} (s32 each), {@code kallsyms_relative_base} (u64),
 * {@code kallsyms_num_syms} (u32), {@code kallsyms_names}, {@code kallsyms_markers} (u32 per 256
 * symbols), {@code kallsyms_seqs_of_names} (3 bytes each), {@code kallsyms_token_table} (256
 * NUL-terminated strings), {@code kallsyms_token_index} (u16 each).
 */
record KallsymsTables(int offsets, long relativeBase, int numSyms, int names, int markers, int seqsOfNames,
                      int tokenTable, int tokenIndex) {
}
