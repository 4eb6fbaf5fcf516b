/**
 * JMH benchmarks of the emulator: guest MIPS on gcc-compiled CPU-bound workloads
 * ({@code src/main/c/workloads.c}), plus {@code QuickMips}, a few-second check for development.
 */
package io.kprobelab.benchmarks;
