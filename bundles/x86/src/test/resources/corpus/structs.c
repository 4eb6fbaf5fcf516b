/* Structs, bitfields, function pointers, switch tables, recursion, sorting. */
struct list_head { struct list_head *next, *prev; };

struct task {
	long state;
	unsigned int flags;
	int prio;
	struct list_head tasks;
	unsigned int on_rq : 1;
	unsigned int policy : 3;
	unsigned int nice : 5;
	unsigned long long counter : 40;
	char comm[16];
	int (*fn)(struct task *, long);
};

void list_add(struct list_head *n, struct list_head *head)
{
	struct list_head *next = head->next;
	next->prev = n;
	n->next = next;
	n->prev = head;
	head->next = n;
}

void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = (struct list_head *)0x100;
	e->prev = (struct list_head *)0x122;
}

int task_policy(struct task *t) { return t->policy; }
void set_nice(struct task *t, int n) { t->nice = n; t->on_rq = !t->on_rq; }
unsigned long long bump(struct task *t) { return ++t->counter; }

int call_fn(struct task *t, long arg)
{
	if (t->fn)
		return t->fn(t, arg);
	return -22;
}

static int handler_a(struct task *t, long a) { return t->prio + (int)a; }
static int handler_b(struct task *t, long a) { return t->flags ^ (unsigned)a; }

int (*const handlers[])(struct task *, long) = { handler_a, handler_b };

int dispatch(unsigned idx, struct task *t, long a)
{
	if (idx < 2)
		return handlers[idx](t, a);
	return 0;
}

int syscall_switch(int nr, long a, long b)
{
	switch (nr) {
	case 0: return (int)(a + b);
	case 1: return (int)(a - b);
	case 2: return (int)(a * b);
	case 3: return (int)(a & b);
	case 4: return (int)(a | b);
	case 5: return (int)(a ^ b);
	case 6: return (int)(a << (b & 63));
	case 7: return (int)(a >> (b & 63));
	case 9: return (int)~a;
	case 11: return (int)-b;
	default: return -38;
	}
}

long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

unsigned long gcd(unsigned long a, unsigned long b) { return b ? gcd(b, a % b) : a; }

void insertion_sort(int *a, int n)
{
	for (int i = 1; i < n; i++) {
		int v = a[i], j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void swap(long *a, long *b) { long t = *a; *a = *b; *b = t; }

void quicksort(long *a, int lo, int hi)
{
	if (lo >= hi)
		return;
	long p = a[(lo + hi) / 2];
	int i = lo, j = hi;
	while (i <= j) {
		while (a[i] < p) i++;
		while (a[j] > p) j--;
		if (i <= j) swap(&a[i++], &a[j--]);
	}
	quicksort(a, lo, j);
	quicksort(a, i, hi);
}

int bsearch_int(const int *a, int n, int key)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (a[mid] == key) return mid;
		if (a[mid] < key) lo = mid + 1; else hi = mid - 1;
	}
	return -1;
}

long global_counter;
static long local_counter;
long *counter_ptrs[] = { &global_counter, &local_counter };

long bump_counters(long d)
{
	global_counter += d;
	local_counter -= d;
	return global_counter * local_counter;
}

long big_frame(long x)
{
	volatile long buf[600];
	buf[0] = x;
	buf[599] = x * 3;
	buf[300] = buf[0] + buf[599];
	return buf[300];
}

struct task init_task = { .prio = 120, .comm = "swapper" };

int copy_comm(char *dst, const struct task *t)
{
	int i;
	for (i = 0; i < 16 && t->comm[i]; i++)
		dst[i] = t->comm[i];
	return i;
}

unsigned char byte_ops(unsigned char a, unsigned char b, signed char c)
{
	unsigned char r = a * b;
	r += c;
	r = (r >> 3) | (unsigned char)(a << 5);
	return r == 7 ? a : r;
}

short word_ops(short a, unsigned short b)
{
	return (short)(a * 3 + b / 5 - (a >> 2));
}
