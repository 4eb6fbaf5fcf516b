/* Checksums, hashing, 64-bit multiply/divide, shifts and rotates, bit tricks. */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef long s64;
typedef int s32;

u32 crc32_le(u32 crc, const u8 *p, unsigned long len)
{
	int i;
	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ ((crc & 1) ? 0xedb88320 : 0);
	}
	return crc;
}

u16 ip_checksum(const u16 *p, int n)
{
	u32 sum = 0;
	while (n > 1) {
		sum += *p++;
		n -= 2;
	}
	if (n)
		sum += *(const u8 *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

u32 jhash_mix(u32 a, u32 b, u32 c)
{
	a -= c; a ^= (c << 4) | (c >> 28); c += b;
	b -= a; b ^= (a << 6) | (a >> 26); a += c;
	c -= b; c ^= (b << 8) | (b >> 24); b += a;
	return c;
}

u64 hash_64(u64 val, unsigned int bits)
{
	return (val * 0x61C8864680B583EBull) >> (64 - bits);
}

u64 mul_div(u64 a, u64 b, u64 c)
{
	return a * b / c;
}

s64 sdiv(s64 a, s64 b) { return a / b; }
s64 smod(s64 a, s64 b) { return a % b; }
u32 udiv32(u32 a, u32 b) { return a / b; }
s32 sdiv32(s32 a, s32 b) { return a / b; }
u64 umod(u64 a, u64 b) { return a % b; }
u64 div_const(u64 a) { return a / 1000; }
s64 sdiv_const(s64 a) { return a / 7; }

unsigned __int128 mul128(u64 a, u64 b) { return (unsigned __int128)a * b; }

u64 rol64(u64 w, unsigned s) { return (w << (s & 63)) | (w >> ((-s) & 63)); }
u32 ror32(u32 w, unsigned s) { return (w >> (s & 31)) | (w << ((-s) & 31)); }
u16 rol16(u16 w, unsigned s) { return (u16)((w << (s & 15)) | (w >> ((-s) & 15))); }
u8 ror8(u8 w, unsigned s) { return (u8)((w >> (s & 7)) | (w << ((-s) & 7))); }
s64 sar(s64 v, int n) { return v >> n; }
u64 shl(u64 v, int n) { return v << n; }
s32 sar5(s32 v) { return v >> 5; }

int popcount(u64 x) { return __builtin_popcountl(x); }
int clz(u64 x) { return x ? __builtin_clzl(x) : 64; }
int ctz(u32 x) { return x ? __builtin_ctz(x) : 32; }
int ffs64(u64 x) { return __builtin_ffsl(x); }
u64 bswap64(u64 x) { return __builtin_bswap64(x); }
u32 bswap32(u32 x) { return __builtin_bswap32(x); }
u16 bswap16(u16 x) { return __builtin_bswap16(x); }
int parity(u32 x) { return __builtin_parity(x); }

u64 roundup_pow_of_two(u64 n)
{
	return 1UL << (64 - __builtin_clzl(n - 1));
}

int is_power_of_2(u64 n) { return n != 0 && ((n & (n - 1)) == 0); }

s64 abs64(s64 v) { return v < 0 ? -v : v; }

u64 min_max(u64 a, u64 b, u64 c)
{
	u64 m = a < b ? a : b;
	return m > c ? m : c;
}

int test_bit(long nr, const volatile unsigned long *addr)
{
	return 1UL & (addr[nr / 64] >> (nr & 63));
}

void set_bit(long nr, volatile unsigned long *addr)
{
	asm volatile("lock btsq %1,%0" : "+m"(*addr) : "Ir"(nr) : "memory");
}

int test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	unsigned char c;
	asm volatile("lock btrq %2,%0; setc %1" : "+m"(*addr), "=qm"(c) : "Ir"(nr) : "memory");
	return c;
}

long atomic_add_return(long i, long *v)
{
	long r = i;
	asm volatile("lock xaddq %0,%1" : "+r"(r), "+m"(*v) : : "memory");
	return r + i;
}

long cmpxchg64(long *p, long old, long new)
{
	long ret;
	asm volatile("lock cmpxchgq %2,%1" : "=a"(ret), "+m"(*p) : "r"(new), "0"(old) : "memory");
	return ret;
}

int cmpxchg8(unsigned char *p, unsigned char o, unsigned char n)
{
	return __sync_bool_compare_and_swap(p, o, n);
}

short sign_ext(signed char c, short s) { return c * s; }
long widen(int a, unsigned int b, short c, unsigned short d, signed char e, unsigned char f)
{
	return (long)a + b + c + d + e + f;
}
