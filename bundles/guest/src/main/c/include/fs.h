/* SPDX-License-Identifier: Apache-2.0 */
/* The in-memory filesystem and open files. */
#ifndef _FS_H
#define _FS_H

#include "kernel.h"

#define NAME_MAX 255
#define PATH_MAX 4096

struct inode;

/* An open file; inode == NULL is the serial console. */
struct file {
	struct inode *inode;
	u64 pos;
	int flags;
	int refs;
};

extern struct file console_file;

void fs_init(void);
void fput(struct file *f);

#endif
