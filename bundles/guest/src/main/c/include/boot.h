/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot information the loader hands over in RSI (see BOOT.md).  It plays
 * the role of Linux's struct boot_params, reduced to what this kernel needs.
 * Little-endian, packed by hand (no padding surprises): 320 bytes.
 */
#ifndef _BOOT_H
#define _BOOT_H

#include "types.h"

#define BOOT_INFO_MAGIC 0x4942424bU /* "KBBI" read as a little-endian u32 */
#define BOOT_INFO_VERSION 1
#define BOOT_CMDLINE_SIZE 256

#define BOOT_FLAG_XAPIC_MMIO 1 /* timer through the xAPIC page (QEMU shim only) */
#define BOOT_FLAG_STAY_UP 2    /* do not power off when pid 1 exits (see umh.c) */

struct boot_info {
	u32 magic;              /* 0x00: BOOT_INFO_MAGIC */
	u32 version;            /* 0x04: BOOT_INFO_VERSION */
	u64 ram_size;           /* 0x08: bytes of RAM from physical 0 */
	u32 nr_cpus;            /* 0x10: vCPUs; only CPU 0 is started */
	u32 flags;              /* 0x14: BOOT_FLAG_* */
	u64 loader_cr3;         /* 0x18: physical address of the loader's PML4 */
	u64 insns_per_tick;     /* 0x20: timer period in retired instructions */
	u64 reserved[3];        /* 0x28: zero */
	char cmdline[BOOT_CMDLINE_SIZE]; /* 0x40: NUL-terminated */
};

extern struct boot_info boot_info;

_Static_assert(sizeof(struct boot_info) == 0x140, "boot_info layout is fixed by BOOT.md");
_Static_assert(__builtin_offsetof(struct boot_info, insns_per_tick) == 0x20, "BOOT.md");
_Static_assert(__builtin_offsetof(struct boot_info, cmdline) == 0x40, "BOOT.md");

int parse_cmdline(char *line, char *argv[], int max);

#endif
