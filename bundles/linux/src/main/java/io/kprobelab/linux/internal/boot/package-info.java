/** The x86 64-bit boot protocol: boot_params, the e820 map, boot page tables and GDT, and the entry state. */
package io.kprobelab.linux.internal.boot;
