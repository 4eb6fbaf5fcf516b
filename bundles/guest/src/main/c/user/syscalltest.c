// SPDX-License-Identifier: Apache-2.0
/*
 * syscalltest: exercise every system call the kernel implements, including
 * each errno it documents, and print one PASS/FAIL line per check.  Exits 0
 * when everything passed.  Paths live under /st, removed at the end.
 */
#include "ulib.h"

static int passed, failed;
int main(void);
static char longpath[4096 + 16];
#define BAD_USER ((void *)0x7000000000UL)         /* user range, unmapped: #PF + fixup */
#define BAD_KERNEL ((void *)0xffffffff81000000UL) /* kernel: refused by access_ok */

static void check(const char *what, long got, long want)
{
	if (got == want) {
		passed++;
		printf("PASS %s\n", what);
	} else {
		failed++;
		printf("FAIL %s: got %ld, expected %ld\n", what, got, want);
	}
}

static void check_true(const char *what, bool ok, long got)
{
	if (ok) {
		passed++;
		printf("PASS %s\n", what);
	} else {
		failed++;
		printf("FAIL %s: got %ld\n", what, got);
	}
}

static long run(const char *prog, const char *arg, int *status)
{
	char *argv[] = { (char *)prog, (char *)arg, NULL };
	long pid = spawn(prog, argv);
	if (pid < 0)
		return pid;
	return wait4((int)pid, status, 0, NULL) == pid ? pid : -1;
}

static void test_mkdir(void)
{
	check("mkdir /st", mkdir("/st", 0755), 0);
	check("mkdir /st again EEXIST", mkdir("/st", 0755), -EEXIST);
	check("mkdir / EEXIST", mkdir("/", 0755), -EEXIST);
	check("mkdir /st/ trailing slash", mkdir("/st/sub/", 0755), 0);
	check("mkdir missing parent ENOENT", mkdir("/nope/x", 0755), -ENOENT);
	check("mkdir empty path ENOENT", mkdir("", 0755), -ENOENT);
	memset(longpath, 'a', 300);
	longpath[0] = '/';
	longpath[300] = 0;
	check("mkdir long component ENAMETOOLONG", mkdir(longpath, 0755), -ENAMETOOLONG);
	memset(longpath, 'a', 4096 + 8);
	longpath[4096 + 8] = 0;
	check("mkdir path > PATH_MAX ENAMETOOLONG", mkdir(longpath, 0755), -ENAMETOOLONG);
	check("mkdir unmapped pointer EFAULT", mkdir(BAD_USER, 0755), -EFAULT);
	check("mkdir kernel pointer EFAULT", mkdir(BAD_KERNEL, 0755), -EFAULT);
	check("mkdir NULL EFAULT", mkdir(NULL, 0755), -EFAULT);
}

static void test_files(void)
{
	char buf[32];
	long fd = open("/st/f", O_CREAT | O_WRONLY, 0644);
	check_true("open O_CREAT", fd >= 3, fd);
	check("write file", write((int)fd, "hello", 5), 5);
	check("read write-only EBADF", read((int)fd, buf, 5), -EBADF);
	check("write bad buffer EFAULT", write((int)fd, BAD_USER, 5), -EFAULT);
	check("close", close((int)fd), 0);
	check("close again EBADF", close((int)fd), -EBADF);
	check("close -1 EBADF", close(-1), -EBADF);
	check("mkdir under a file ENOTDIR", mkdir("/st/f/x", 0755), -ENOTDIR);
	check("open under a file ENOTDIR", open("/st/f/x", O_RDONLY, 0), -ENOTDIR);
	check("open file/ ENOTDIR", open("/st/f/", O_RDONLY, 0), -ENOTDIR);
	fd = open("/st/f", O_RDONLY, 0);
	check_true("open O_RDONLY", fd >= 3, fd);
	memset(buf, 0, sizeof(buf));
	check("read file", read((int)fd, buf, sizeof(buf)), 5);
	check("read content", memcmp(buf, "hello", 6), 0);
	check("read at EOF", read((int)fd, buf, sizeof(buf)), 0);
	check("write read-only EBADF", write((int)fd, "x", 1), -EBADF);
	close((int)fd);
	fd = open("/st/f", O_RDONLY, 0);
	check("read bad buffer EFAULT", read((int)fd, BAD_USER, 5), -EFAULT);
	check("read kernel buffer EFAULT", read((int)fd, BAD_KERNEL, 5), -EFAULT);
	check("read into read-only text EFAULT", read((int)fd, (void *)main, 5), -EFAULT);
	close((int)fd);
	check("read bad fd EBADF", read(99, buf, 1), -EBADF);
	check("write bad fd EBADF", write(12, buf, 1), -EBADF);
	check("open O_CREAT|O_EXCL EEXIST", open("/st/f", O_CREAT | O_EXCL | O_WRONLY, 0), -EEXIST);
	check("open missing ENOENT", open("/st/none", O_RDONLY, 0), -ENOENT);
	check("open O_DIRECTORY on file ENOTDIR", open("/st/f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	check("open dir for write EISDIR", open("/st", O_RDWR, 0), -EISDIR);
	check("open bad access mode EINVAL", open("/st/f", 3, 0), -EINVAL);
	check("open bad path EFAULT", open(BAD_USER, O_RDONLY, 0), -EFAULT);
	long dfd = open("/st", O_RDONLY | O_DIRECTORY, 0);
	check_true("open dir", dfd >= 3, dfd);
	check("read dir EISDIR", read((int)dfd, buf, 1), -EISDIR);
	fd = openat((int)dfd, "f", O_RDWR | O_APPEND, 0);
	check_true("openat relative to dir fd", fd >= 3, fd);
	check("write O_APPEND", write((int)fd, " world", 6), 6);
	close((int)fd);
	fd = openat(AT_FDCWD, "/st/f", O_RDONLY, 0);
	memset(buf, 0, sizeof(buf));
	check("openat AT_FDCWD read", read((int)fd, buf, sizeof(buf)), 11);
	check("appended content", memcmp(buf, "hello world", 12), 0);
	check("openat file as dirfd ENOTDIR", openat((int)fd, "x", O_RDONLY, 0), -ENOTDIR);
	close((int)fd);
	check("openat bad dirfd EBADF", openat(77, "f", O_RDONLY, 0), -EBADF);
	close((int)dfd);
	fd = open("/st/f", O_WRONLY | O_TRUNC, 0);
	check("write after O_TRUNC", write((int)fd, "x", 1), 1);
	close((int)fd);
	check("write to console", write(1, "", 0), 0);
}

static void test_remove(void)
{
	check("unlink dir EISDIR", unlink("/st"), -EISDIR);
	check("rmdir non-empty ENOTEMPTY", rmdir("/st"), -ENOTEMPTY);
	check("rmdir file ENOTDIR", rmdir("/st/f"), -ENOTDIR);
	check("rmdir . EINVAL", rmdir("/st/."), -EINVAL);
	check("unlink file", unlink("/st/f"), 0);
	check("unlink again ENOENT", unlink("/st/f"), -ENOENT);
	check("unlink bad pointer EFAULT", unlink(BAD_USER), -EFAULT);
	check("rmdir /st/sub", rmdir("/st/sub"), 0);
	check("rmdir /st", rmdir("/st"), 0);
	check("rmdir again ENOENT", rmdir("/st"), -ENOENT);
	check("rmdir bad pointer EFAULT", rmdir(BAD_KERNEL), -EFAULT);
}

static void test_processes(void)
{
	int status = -1;
	check_true("getpid", getpid() > 0, getpid());
	check_true("getppid", getppid() >= 0, getppid());
	check("wait4 without children ECHILD", wait4(-1, &status, 0, NULL), -ECHILD);
	check("wait4 bad options EINVAL", wait4(-1, &status, 0x1000, NULL), -EINVAL);
	check("spawn unknown ENOENT", spawn("nosuchprogram", NULL), -ENOENT);
	check("spawn bad path EFAULT", spawn(BAD_USER, NULL), -EFAULT);
	check_true("spawn sleep 3 and wait", run("sleep", "3", &status) > 0, status);
	check("sleep exit status", status, 0);
	static const char *const faults[] = { "hlt", "kread", "kwrite", "null", "text" };
	for (unsigned i = 0; i < ARRAY_SIZE(faults); i++) {
		char what[48];
		status = 0;
		run("fault", faults[i], &status);
		snprintf(what, sizeof(what), "fault %s killed with SIGSEGV", faults[i]);
		check(what, WIFSIGNALED(status) ? WTERMSIG(status) : -1, SIGSEGV);
	}
	status = 0;
	run("fault", "ud", &status);
	check("fault ud killed with SIGILL", WIFSIGNALED(status) ? WTERMSIG(status) : -1, 4);
	char *argv[] = { "mkdir", "/st", NULL };
	long pid = spawn("mkdir", argv);
	check_true("spawn mkdir", pid > 0, pid);
	check("wait4 bad status pointer EFAULT", wait4((int)pid, BAD_USER, 0, NULL), -EFAULT);
	check("wait4 after EFAULT still reaps", wait4((int)pid, &status, 0, NULL), pid);
	check("mkdir child exit status", WEXITSTATUS(status), 0);
	rmdir("/st");
}

/* Start prog with one argument, send it sig, and return its wait status. */
static int killed(const char *prog, const char *arg, int sig)
{
	int status = 0;
	char *argv[] = { (char *)prog, (char *)arg, NULL };
	long pid = spawn(prog, argv);
	if (pid < 0 || kill((int)pid, sig))
		return -1;
	return wait4((int)pid, &status, 0, NULL) == pid ? status : -1;
}

static void test_signals(void)
{
	check("kill self signal 0", kill((int)getpid(), 0), 0);
	check("kill unknown pid ESRCH", kill(99999, SIGTERM), -ESRCH);
	check("kill bad signal EINVAL", kill((int)getpid(), 99), -EINVAL);
	check("kill pid 0 EINVAL", kill(0, SIGTERM), -EINVAL);
	int s = killed("sleep", "100000", SIGINT);
	check("SIGINT ends a sleeping child", WIFSIGNALED(s) ? WTERMSIG(s) : -1, SIGINT);
	s = killed("spin", "1000000000000", SIGKILL);
	check("SIGKILL ends a running child", WIFSIGNALED(s) ? WTERMSIG(s) : -1, SIGKILL);
}

static void test_time_and_memory(void)
{
	struct timespec bad = { 0, 1000000000L }, neg = { -1, 0 }, ms = { 0, 2000000 };
	check("nanosleep tv_nsec too big EINVAL", nanosleep(&bad, NULL), -EINVAL);
	check("nanosleep negative EINVAL", nanosleep(&neg, NULL), -EINVAL);
	check("nanosleep bad pointer EFAULT", nanosleep(BAD_USER, NULL), -EFAULT);
	struct timespec t0, t1;
	check("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	check("nanosleep 2 ms", nanosleep(&ms, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long slept = (t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec;
	check_true("nanosleep 2 ms took >= 2 ms of virtual time", slept >= 2000000, slept);
	check("clock_gettime bad clock EINVAL", clock_gettime(42, &t1), -EINVAL);
	check("clock_gettime bad pointer EFAULT", clock_gettime(CLOCK_MONOTONIC, BAD_USER), -EFAULT);
	check("mmap huge ENOMEM", mmap(NULL, 1UL << 40, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);
	check("mmap file EINVAL", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0), -EINVAL);
	long p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap 8 KiB", p > 0, p);
	if (p > 0) {
		volatile char *m = (char *)p;
		m[0] = 1;
		m[8191] = 2;
		check("mmap memory usable", m[0] + m[8191], 3);
	}
	check("unknown syscall ENOSYS", syscall3(999, 0, 0, 0), -ENOSYS);
}

int main(void)
{
	printf("syscalltest: start\n");
	test_mkdir();
	test_files();
	test_remove();
	test_processes();
	test_signals();
	test_time_and_memory();
	printf("syscalltest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
