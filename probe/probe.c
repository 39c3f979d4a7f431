/* aslr-probe: print where the kernel put each part of this process, in one record.
 *
 * Every region comes from this one exec, so the harness can relate them (what one
 * leaked pointer gives away). The heap is measured by the first malloc, before
 * anything else allocates; the record goes out in a single write(2), with no stdio.
 * One source, several builds (probe/CMakeLists.txt): PROBE_STATIC for static
 * programs (no loader, libc inside the executable), PROBE_BIGLIB for the variant
 * linked against a shared library of more than 2 MiB, PROBE_THREAD for the variant
 * that also starts a thread (its stack: a glibc mmap of RLIMIT_STACK size). A
 * thread costs about a fifth of the exec rate, so the default probe does without. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef PROBE_STATIC
#include <dlfcn.h>
#endif

#include "record.h"

#ifdef PROBE_BIGLIB
#include "biglib.h"
#endif

enum { MAX_REGIONS = 16 };

int probe_data = 1;                /* initialized global: .data */
int probe_bss;                     /* uninitialized global: .bss */
static __thread int probe_tls = 1; /* the main thread's TLS block */

static uint64_t addr(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The real address of a libc function. Dynamic builds ask dlsym to resolve it inside
 * libc itself, so a PLT stub or the canonical PLT entry of a non-PIE executable is
 * never reported; in a static build the function is in the executable. */
static uint64_t libc_function_address(void)
{
#ifdef PROBE_STATIC
	return addr((const void *)(uintptr_t)&write);
#else
	return addr(dlsym(RTLD_NEXT, "write"));
#endif
}

#ifdef PROBE_THREAD
static void *thread_stack_address(void *out)
{
	volatile int local = 0;
	*(uint64_t *)out = addr(&local);
	return NULL;
}

/* A local variable of a second thread: its stack is a glibc mmap of RLIMIT_STACK size. */
static uint64_t thread_stack(void)
{
	uint64_t where = 0;
	pthread_t t;

	if (pthread_create(&t, NULL, thread_stack_address, &where) != 0 || pthread_join(t, NULL) != 0)
		return 0;
	return where;
}
#endif

static uint64_t anon_mapping(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : addr(p);
}

struct regions {
	unsigned n;
	const char *name[MAX_REGIONS];
	uint64_t value[MAX_REGIONS];
	unsigned char may_be_zero[MAX_REGIONS]; /* 0 means absent, not a failed lookup */
};

static void put(struct regions *r, const char *name, uint64_t value, int may_be_zero)
{
	r->name[r->n] = name;
	r->may_be_zero[r->n] = (unsigned char)may_be_zero;
	r->value[r->n++] = value;
}

static void add(struct regions *r, const char *name, uint64_t value)
{
	put(r, name, value, 0);
}

/* --help and --version answer and exit 0. Run without arguments, as the harness runs it,
 * or with any other, the probe prints its record: one record per exec is its contract. */
static int answer_option(const char *arg)
{
	static const char help[] =
		"Usage: aslr-probe [--help | --version]\n"
		"Print one record of this process's addresses and exit 0:\n"
		"aslr-probe/1 followed by name=0xHEX pairs (man 5 aslr-entropy).\n"
		"\n"
		"  --help     this text\n"
		"  --version  the version\n";
	static const char version[] = "aslr-probe " ASLR_VERSION "\n";

	if (strcmp(arg, "--help") == 0)
		return write(STDOUT_FILENO, help, sizeof(help) - 1) == (ssize_t)sizeof(help) - 1 ? 0 : 1;
	if (strcmp(arg, "--version") == 0)
		return write(STDOUT_FILENO, version, sizeof(version) - 1) == (ssize_t)sizeof(version) - 1 ? 0 : 1;
	return -1;
}

int main(int argc, char **argv)
{
	volatile int stack_local = 0;
	void *heap = malloc(16); /* first: nothing has allocated yet */
	struct regions r = { 0 };
	char line[RECORD_MAX_LEN];
	int len;

	if (argc < 1 || !heap)
		return 1;
	if (argc > 1) {
		int rc = answer_option(argv[1]);
		if (rc >= 0)
			return rc;
	}
	add(&r, "text", addr((const void *)(uintptr_t)&main));
	add(&r, "data", addr(&probe_data));
	add(&r, "bss", addr(&probe_bss));
	add(&r, "heap", addr(heap));
	add(&r, "mmap", anon_mapping(4096));
	add(&r, "libc", libc_function_address());
	put(&r, "ld", getauxval(AT_BASE), 1); /* 0 in a static program: there is no loader */
	add(&r, "vdso", getauxval(AT_SYSINFO_EHDR));
	add(&r, "tls", addr(&probe_tls));
	add(&r, "stack", addr(&stack_local));
	add(&r, "argv", addr(argv[0]));
	add(&r, "mmap_2m", anon_mapping(2 << 20));
	add(&r, "mmap_4m", anon_mapping(4 << 20));
#ifdef PROBE_THREAD
	add(&r, "thread_stack", thread_stack());
#endif
#ifdef PROBE_BIGLIB
	add(&r, "biglib", addr((const void *)(uintptr_t)&biglib_function));
#endif
	for (unsigned i = 0; i < r.n; i++)
		if (r.value[i] == 0 && !r.may_be_zero[i])
			return 1;
	len = record_format(line, sizeof(line), r.name, r.value, r.n);
	if (len < 0)
		return 1;
	return write(STDOUT_FILENO, line, (size_t)len) == len ? 0 : 1;
}
