/** Kernel images: the vmlinux ELF with its physical load addresses, the bzImage setup header and its compressed payload. */
package io.kprobelab.linux.internal.image;
