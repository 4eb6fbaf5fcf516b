// SPDX-License-Identifier: Apache-2.0
/*
 * An in-memory filesystem: a tree of directories and files (the roles of
 * fs/namei.c for path walking, fs/ramfs for storage, and fs/open.c,
 * fs/read_write.c for the file syscalls).  The call chains and names follow
 * Linux: sys_mkdir -> do_mkdirat -> filename_create -> vfs_mkdir.
 *
 * Path walking is recursive, one call of walk_component per path component,
 * so a deep path recurses deeply in the kernel (deeprec relies on it); the
 * depth is capped at MAX_DEPTH components (-ENAMETOOLONG beyond) so a kernel
 * stack (16 KiB) is always enough.  Every task's current directory is "/".
 */
#include "kernel.h"
#include "sched.h"
#include "fs.h"
#include "uaccess.h"
#include "unistd.h"
#include "syscalls.h"

#define MAX_DEPTH 128
#define MAX_FILE_SIZE (1024 * 1024UL) /* -EFBIG beyond */

struct inode {
	struct inode *parent;
	struct inode *children, *next; /* first child; next sibling */
	char *name;
	bool is_dir;
	bool unlinked; /* removed from the tree but still open */
	int open_count;
	u8 *data;
	u64 size, capacity;
};

struct file console_file = { NULL, 0, O_RDWR, 1 };
static struct inode root_inode = { .parent = &root_inode, .name = "", .is_dir = true };

/* What a walk found: the inode, or for a create the parent and last name. */
struct nameidata {
	struct inode *inode;
	const char *last;
	int last_len;
	bool want_parent;
	bool trailing_slash;
	int depth;
};

void fs_init(void)
{
	root_inode.parent = &root_inode;
}

/* The role of d_lookup: find a child by name; "." and ".." are understood. */
noinline struct inode *lookup_child(struct inode *dir, const char *name, int len)
{
	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return dir->parent;
	for (struct inode *c = dir->children; c; c = c->next)
		if (!strncmp(c->name, name, len) && c->name[len] == 0)
			return c;
	return NULL;
}

/*
 * Resolve the rest of a path below dir, one component per call.  With
 * want_parent, stop before the last component and return its name.
 */
noinline long walk_component(struct inode *dir, const char *path, struct nameidata *nd)
{
	while (*path == '/')
		path++;
	if (!*path) {
		nd->inode = dir;
		return 0;
	}
	if (++nd->depth > MAX_DEPTH)
		return -ENAMETOOLONG;
	const char *end = path;
	while (*end && *end != '/')
		end++;
	int len = (int)(end - path);
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	const char *rest = end;
	while (*rest == '/')
		rest++;
	if (!dir->is_dir)
		return -ENOTDIR;
	if (!*rest) {
		nd->trailing_slash = *end == '/';
		if (nd->want_parent) {
			nd->inode = dir;
			nd->last = path;
			nd->last_len = len;
			return 0;
		}
	}
	struct inode *child = lookup_child(dir, path, len);
	if (!child)
		return -ENOENT;
	long err = walk_component(child, rest, nd);
	nd->depth--; /* work after the call: a real recursion, not a loop */
	return err;
}

/* Where a relative path starts: "/" for AT_FDCWD, or an open directory. */
static long start_dir(int dfd, const char *path, struct inode **dir)
{
	if (path[0] == '/' || dfd == AT_FDCWD) {
		*dir = &root_inode;
		return 0;
	}
	if (dfd < 0 || dfd >= NR_OPEN || !current->files[dfd])
		return -EBADF;
	struct inode *i = current->files[dfd]->inode;
	if (!i || !i->is_dir)
		return -ENOTDIR;
	*dir = i;
	return 0;
}

static long path_walk(int dfd, const char *path, struct nameidata *nd)
{
	struct inode *dir;
	long err = start_dir(dfd, path, &dir);
	if (err)
		return err;
	nd->depth = 0;
	return walk_component(dir, path, nd);
}

/* Copy a path from user space (the role of getname): -EFAULT, -ENAMETOOLONG, -ENOENT. */
static char *getname(const char *upath, long *err)
{
	char *name = kmalloc(PATH_MAX);
	if (!name) {
		*err = -ENOMEM;
		return NULL;
	}
	long len = strncpy_from_user(name, upath, PATH_MAX);
	*err = len < 0 ? len : len == PATH_MAX ? -ENAMETOOLONG : len == 0 ? -ENOENT : 0;
	if (*err) {
		kfree(name);
		return NULL;
	}
	return name;
}

static struct inode *new_inode(struct inode *dir, const char *name, int len, bool is_dir)
{
	struct inode *i = kzalloc(sizeof(*i));
	char *n = kmalloc(len + 1);
	if (!i || !n) {
		kfree(i);
		kfree(n);
		return NULL;
	}
	memcpy(n, name, len);
	n[len] = 0;
	i->name = n;
	i->is_dir = is_dir;
	i->parent = dir;
	i->next = dir->children;
	dir->children = i;
	return i;
}

static void free_inode(struct inode *i)
{
	kfree(i->data);
	kfree(i->name);
	kfree(i);
}

static void unlink_inode(struct inode *i)
{
	struct inode **pp = &i->parent->children;
	while (*pp != i)
		pp = &(*pp)->next;
	*pp = i->next;
	if (i->open_count)
		i->unlinked = true;
	else
		free_inode(i);
}

/* The parent directory for a new name, which must not exist yet (filename_create). */
noinline long filename_create(int dfd, const char *name, struct nameidata *nd)
{
	nd->want_parent = true;
	long err = path_walk(dfd, name, nd);
	if (err)
		return err;
	if (!nd->last) /* "/" */
		return -EEXIST;
	if (lookup_child(nd->inode, nd->last, nd->last_len))
		return -EEXIST;
	if (nd->inode->unlinked) /* removed while an open fd still names it */
		return -ENOENT;
	return 0;
}

noinline long vfs_mkdir(struct inode *dir, const char *name, int len)
{
	return new_inode(dir, name, len, true) ? 0 : -ENOMEM;
}

noinline long do_mkdirat(int dfd, const char *upath, int mode)
{
	struct nameidata nd = { 0 };
	long err;
	char *name = getname(upath, &err);
	(void)mode; /* no permissions here */
	if (!name)
		return err;
	err = filename_create(dfd, name, &nd);
	if (!err)
		err = vfs_mkdir(nd.inode, nd.last, nd.last_len);
	kfree(name);
	return err;
}

long sys_mkdir(const char *pathname, int mode)
{
	return do_mkdirat(AT_FDCWD, pathname, mode);
}

noinline long vfs_rmdir(struct inode *dir, struct inode *victim)
{
	(void)dir;
	if (!victim->is_dir)
		return -ENOTDIR;
	if (victim == &root_inode)
		return -EBUSY;
	if (victim->children)
		return -ENOTEMPTY;
	unlink_inode(victim);
	return 0;
}

noinline long do_rmdir(int dfd, const char *upath)
{
	struct nameidata nd = { .want_parent = true };
	long err;
	char *name = getname(upath, &err);
	if (!name)
		return err;
	err = path_walk(dfd, name, &nd);
	if (!err) {
		struct inode *victim;
		if (!nd.last)
			err = -EBUSY; /* "/" */
		else if (nd.last_len == 1 && nd.last[0] == '.')
			err = -EINVAL;
		else if (nd.last_len == 2 && nd.last[0] == '.' && nd.last[1] == '.')
			err = -ENOTEMPTY;
		else if (!(victim = lookup_child(nd.inode, nd.last, nd.last_len)))
			err = -ENOENT;
		else
			err = vfs_rmdir(nd.inode, victim);
	}
	kfree(name);
	return err;
}

long sys_rmdir(const char *pathname)
{
	return do_rmdir(AT_FDCWD, pathname);
}

noinline long vfs_unlink(struct inode *dir, struct inode *victim)
{
	(void)dir;
	if (victim->is_dir)
		return -EISDIR;
	unlink_inode(victim);
	return 0;
}

noinline long do_unlinkat(int dfd, const char *upath)
{
	struct nameidata nd = { .want_parent = true };
	long err;
	char *name = getname(upath, &err);
	if (!name)
		return err;
	err = path_walk(dfd, name, &nd);
	if (!err) {
		struct inode *victim;
		if (!nd.last)
			err = -EISDIR;
		else if (!(victim = lookup_child(nd.inode, nd.last, nd.last_len)))
			err = -ENOENT;
		else if (nd.trailing_slash && !victim->is_dir)
			err = -ENOTDIR;
		else
			err = vfs_unlink(nd.inode, victim);
	}
	kfree(name);
	return err;
}

long sys_unlink(const char *pathname)
{
	return do_unlinkat(AT_FDCWD, pathname);
}

/* Look up or create the file to open (the role of path_openat/do_last). */
static long open_inode(int dfd, const char *name, int flags, struct inode **out)
{
	struct nameidata nd = { .want_parent = !!(flags & O_CREAT) };
	long err = path_walk(dfd, name, &nd);
	if (err)
		return err;
	struct inode *i = nd.inode;
	if (nd.want_parent && nd.last) {
		i = lookup_child(nd.inode, nd.last, nd.last_len);
		if (i && (flags & O_EXCL))
			return -EEXIST;
		if (!i) {
			if (nd.trailing_slash)
				return -EISDIR;
			if (nd.inode->unlinked)
				return -ENOENT;
			i = new_inode(nd.inode, nd.last, nd.last_len, false);
			if (!i)
				return -ENOMEM;
		}
	}
	if (i->is_dir && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	if (!i->is_dir && ((flags & O_DIRECTORY) || nd.trailing_slash))
		return -ENOTDIR;
	*out = i;
	return 0;
}

noinline long do_sys_open(int dfd, const char *upath, int flags, int mode)
{
	long err;
	int fd;
	(void)mode;
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	for (fd = 0; fd < NR_OPEN && current->files[fd]; fd++)
		;
	if (fd == NR_OPEN)
		return -EMFILE;
	char *name = getname(upath, &err);
	if (!name)
		return err;
	struct inode *i;
	err = open_inode(dfd, name, flags, &i);
	kfree(name);
	if (err)
		return err;
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
		i->size = 0;
	f->inode = i;
	f->flags = flags;
	f->refs = 1;
	i->open_count++;
	current->files[fd] = f;
	return fd;
}

long sys_open(const char *filename, int flags, int mode)
{
	return do_sys_open(AT_FDCWD, filename, flags, mode);
}

long sys_openat(int dfd, const char *filename, int flags, int mode)
{
	return do_sys_open(dfd, filename, flags, mode);
}

void fput(struct file *f)
{
	if (f == &console_file || --f->refs)
		return;
	struct inode *i = f->inode;
	if (!--i->open_count && i->unlinked)
		free_inode(i);
	kfree(f);
}

static struct file *fget(int fd)
{
	if (fd < 0 || fd >= NR_OPEN)
		return NULL;
	return current->files[fd];
}

long sys_close(int fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	current->files[fd] = NULL;
	fput(f);
	return 0;
}

long sys_read(int fd, char *ubuf, u64 count)
{
	struct file *f = fget(fd);
	if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!access_ok(ubuf, count))
		return -EFAULT;
	if (!f->inode)
		return 0; /* the console has no input: end of file */
	struct inode *i = f->inode;
	if (i->is_dir)
		return -EISDIR;
	if (f->pos >= i->size)
		return 0;
	if (count > i->size - f->pos)
		count = i->size - f->pos;
	if (copy_to_user(ubuf, i->data + f->pos, count))
		return -EFAULT;
	f->pos += count;
	return (long)count;
}

static long console_write(const char *ubuf, u64 count)
{
	char buf[128];
	u64 done = 0;
	while (done < count) {
		u64 chunk = count - done < sizeof(buf) ? count - done : sizeof(buf);
		if (copy_from_user(buf, ubuf + done, chunk))
			return done ? (long)done : -EFAULT;
		for (u64 k = 0; k < chunk; k++)
			serial_putc(buf[k]);
		done += chunk;
	}
	return (long)done;
}

long sys_write(int fd, const char *ubuf, u64 count)
{
	struct file *f = fget(fd);
	if (!f || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!access_ok(ubuf, count))
		return -EFAULT;
	if (!f->inode)
		return console_write(ubuf, count);
	struct inode *i = f->inode;
	if (f->flags & O_APPEND)
		f->pos = i->size;
	u64 end = f->pos + count;
	if (end > MAX_FILE_SIZE)
		return -EFBIG;
	if (end > i->capacity) {
		u64 cap = i->capacity ? i->capacity : 64;
		while (cap < end)
			cap *= 2;
		u8 *data = kzalloc(cap);
		if (!data)
			return -ENOMEM;
		if (i->data)
			memcpy(data, i->data, i->size);
		kfree(i->data);
		i->data = data;
		i->capacity = cap;
	}
	if (f->pos > i->size)
		memset(i->data + i->size, 0, f->pos - i->size);
	if (copy_from_user(i->data + f->pos, ubuf, count))
		return -EFAULT;
	f->pos = end;
	if (end > i->size)
		i->size = end;
	return (long)count;
}
