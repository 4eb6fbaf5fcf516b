/*
 * Integer loops, struct copies, float/double arithmetic and SSE builtins: what gcc -O2/-O3 emits
 * when SSE is allowed (vectorized loops, movdqu/movups copies, pxor zeroing, scalar FP), and with
 * -march=x86-64-v2 also SSSE3/SSE4.1/SSE4.2 (pshufb, pminsd, pmulld, ptest, pblendw, pextrd,
 * pinsrd, crc32, popcnt, pcmpistri).
 */
typedef int v4si __attribute__((vector_size(16)));
typedef unsigned int v4su __attribute__((vector_size(16)));
typedef long long v2di __attribute__((vector_size(16)));
typedef short v8hi __attribute__((vector_size(16)));
typedef char v16qi __attribute__((vector_size(16)));
typedef unsigned char v16qu __attribute__((vector_size(16)));
typedef float v4sf __attribute__((vector_size(16)));
typedef double v2df __attribute__((vector_size(16)));

struct packet {
	unsigned long long seq;
	unsigned int len, flags;
	unsigned char hdr[40];
	unsigned short ports[4];
};

struct stats { long long bytes[8]; int counts[8]; };

/* ---- vectorizable integer loops */

int sum_ints(const int *a, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += a[i];
	return s;
}

long long sum_longs(const long long *a, int n)
{
	long long s = 0;
	for (int i = 0; i < n; i++)
		s += a[i];
	return s;
}

int max_int(const int *a, int n)
{
	int m = -2147483647 - 1;
	for (int i = 0; i < n; i++)
		m = a[i] > m ? a[i] : m;
	return m;
}

unsigned int min_uint(const unsigned int *a, int n)
{
	unsigned int m = ~0u;
	for (int i = 0; i < n; i++)
		m = a[i] < m ? a[i] : m;
	return m;
}

void mul_arrays(int *restrict d, const int *restrict a, const int *restrict b, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = a[i] * b[i];
}

void scale_shorts(short *restrict d, const short *restrict a, short k, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = (short)((a[i] * k) >> 3);
}

void shift_mix(unsigned int *restrict d, const unsigned int *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = (a[i] << 7) ^ (a[i] >> 11) ^ ((int)a[i] >> 3);
}

void abs_ints(int *restrict d, const int *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = a[i] < 0 ? -a[i] : a[i];
}

int count_byte(const unsigned char *p, int n, unsigned char c)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += p[i] == c;
	return k;
}

unsigned int sad_bytes(const unsigned char *a, const unsigned char *b, int n)
{
	unsigned int s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
	return s;
}

void sat_add(unsigned char *restrict d, const unsigned char *restrict a, const unsigned char *restrict b, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned int s = a[i] + b[i];
		d[i] = s > 255 ? 255 : s;
	}
}

void widen_bytes(int *restrict d, const unsigned char *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = a[i];
}

void widen_signed(long long *restrict d, const int *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = a[i];
}

void narrow_ints(short *restrict d, const int *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = (short)a[i];
}

void select_min(int *restrict d, const int *restrict a, const int *restrict b, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = a[i] < b[i] ? a[i] : b[i];
}

void byte_reverse(unsigned int *restrict d, const unsigned int *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = __builtin_bswap32(a[i]);
}

void hist_or(unsigned long long *restrict d, const unsigned long long *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] |= a[i] & ~d[i];
}

/* ---- struct copies and zeroing */

void copy_packet(struct packet *d, const struct packet *s) { *d = *s; }

void clear_stats(struct stats *s) { __builtin_memset(s, 0, sizeof(*s)); }

struct packet make_packet(unsigned long long seq)
{
	struct packet p = {0};
	p.seq = seq;
	p.len = 64;
	return p;
}

void add_stats(struct stats *restrict d, const struct stats *restrict s)
{
	for (int i = 0; i < 8; i++) {
		d->bytes[i] += s->bytes[i];
		d->counts[i] += s->counts[i];
	}
}

/* ---- scalar and packed floating point */

double dot(const double *a, const double *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

void saxpy(float *restrict y, const float *restrict x, float a, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

void to_float(float *restrict d, const int *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = (float)a[i];
}

void to_int(int *restrict d, const float *restrict a, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = (int)a[i];
}

double mean(const long *a, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += (double)a[i];
	return n ? s / n : 0.0;
}

long round_div(double x, double y) { return (long)(x / y); }
float fabs_neg(float x, float y) { return __builtin_fabsf(x) - (-y); }
double fmin_max(double a, double b, double c) { return (a < b ? a : b) > c ? (a < b ? a : b) : c; }
int fcmp(float a, float b) { return a < b ? -1 : a > b ? 1 : a == b ? 0 : 2; }
double widen(float f) { return f * 2.5; }
float narrow(double d) { return (float)d; }
double root(double x) { return __builtin_sqrt(x); }
unsigned long to_unsigned(double x) { return (unsigned long)x; }
double from_unsigned(unsigned long x) { return (double)x; }

/* ---- builtins: SSE2..SSE4.2 without intrinsic headers */

#ifdef __SSE4_2__
v16qi shuffle_bytes(v16qi a, v16qi m) { return __builtin_ia32_pshufb128(a, m); }
int all_zero(v2di a) { return __builtin_ia32_ptestz128(a, a); }
v8hi blend_words(v8hi a, v8hi b) { return __builtin_ia32_pblendw128(a, b, 0xa5); }
v4sf blend_var(v4sf a, v4sf b, v4sf m) { return __builtin_ia32_blendvps(a, b, m); }
int extract_lane(v4si a) { return a[2]; }
long long extract_q(v2di a) { return a[1]; }
v4si insert_lane(v4si a, int x) { a[1] = x; return a; }
v4si mins(v4si a, v4si b) { return __builtin_ia32_pminsd128(a, b); }
v4si maxu(v4si a, v4si b) { return __builtin_ia32_pmaxud128(a, b); }
v4si mul_lo(v4si a, v4si b) { return a * b; }
v2di cmpgt_q(v2di a, v2di b) { return a > b; }
v2df round_pd(v2df a) { return __builtin_ia32_roundpd(a, 1); }
v4sf dot_ps(v4sf a, v4sf b) { return __builtin_ia32_dpps(a, b, 0xf1); }
v16qi mpsad(v16qi a, v16qi b) { return __builtin_ia32_mpsadbw128(a, b, 5); }
v8hi hadd_w(v8hi a, v8hi b) { return __builtin_ia32_phaddw128(a, b); }
v8hi maddubs(v16qi a, v16qi b) { return __builtin_ia32_pmaddubsw128(a, b); }
v16qi align_r(v2di a, v2di b) { return (v16qi)__builtin_ia32_palignr128(a, b, 40); }
v4si sign_d(v4si a, v4si b) { return __builtin_ia32_psignd128(a, b); }
int str_index(v16qi a, v16qi b) { return __builtin_ia32_pcmpistri128(a, b, 0x0c); }
int str_len(v16qi a, v16qi b) { return __builtin_ia32_pcmpestri128(a, 5, b, 7, 0x18); }
v16qi str_mask(v16qi a, v16qi b) { return __builtin_ia32_pcmpistrm128(a, b, 0x40); }
v8hi minpos(v8hi a) { return __builtin_ia32_phminposuw128(a); }
v4sf insert_ps(v4sf a, v4sf b) { return __builtin_ia32_insertps128(a, b, 0x4d); }
unsigned int crc_bytes(const unsigned char *p, int n, unsigned int c)
{
	for (int i = 0; i < n; i++)
		c = __builtin_ia32_crc32qi(c, p[i]);
	return c;
}
unsigned long long crc_q(unsigned long long c, unsigned long long v) { return __builtin_ia32_crc32di(c, v); }
int pop(unsigned long long x) { return __builtin_popcountll(x); }
v2di packus(v4si a, v4si b) { return (v2di)__builtin_ia32_packusdw128(a, b); }
#endif

v4sf cmp_lt(v4sf a, v4sf b) { return (v4sf)__builtin_ia32_cmpltps(a, b); }
v4sf cmp_unord(v4sf a, v4sf b) { return (v4sf)__builtin_ia32_cmpunordps(a, b); }
v2df cmp_nle_sd(v2df a, v2df b) { return (v2df)__builtin_ia32_cmpnlesd(a, b); }
v4sf shuf(v4sf a, v4sf b) { return __builtin_shuffle(a, b, (v4si){0, 3, 5, 6}); }
v4si pshuf(v4si a) { return __builtin_shuffle(a, (v4si){3, 1, 2, 0}); }
v8hi pshuf_hi(v8hi a) { return __builtin_shuffle(a, (v8hi){0, 1, 2, 3, 7, 5, 6, 4}); }
v2df unpack_hi(v2df a, v2df b) { return __builtin_shuffle(a, b, (v2di){1, 3}); }
v16qi avg(v16qi a, v16qi b) { return __builtin_ia32_pavgb128(a, b); }
int movemask(v16qi a) { return __builtin_ia32_pmovmskb128(a); }
int movemask_ps(v4sf a) { return __builtin_ia32_movmskps(a); }
v8hi mulhi(v8hi a, v8hi b) { return __builtin_ia32_pmulhw128(a, b); }
v2di sad(v16qi a, v16qi b) { return __builtin_ia32_psadbw128(a, b); }
v2di shift_bytes(v2di a) { return __builtin_ia32_psrldqi128(a, 24); }
v2di shift_left_bytes(v2di a) { return __builtin_ia32_pslldqi128(a, 40); }
v4sf rsqrt(v4sf a) { return __builtin_ia32_rsqrtps(a); }
v4sf rcp_ss(v4sf a) { return __builtin_ia32_rcpss(a); }
v2df half_adds(v2df a, v2df b) { return (v2df){a[0] + a[1], b[0] + b[1]}; }
v4si cvt_round(v4sf a) { return __builtin_ia32_cvtps2dq(a); }
v4sf cvt_pd(v2df a) { return __builtin_ia32_cvtpd2ps(a); }
long long first_q(v2di a) { return a[0]; }
v2di from_q(long long x) { return (v2di){x, 0}; }
v4si from_d(int x) { return (v4si){x, 0, 0, 0}; }
void stream(v2di *p, v2di v) { __builtin_ia32_movntdq(p, v); }
void fence(void) { __builtin_ia32_sfence(); __builtin_ia32_lfence(); __builtin_ia32_mfence(); }
unsigned int csr(void) { return __builtin_ia32_stmxcsr(); }
