/* aslr-probe: print where the kernel put each part of this process, in one record.
 *
 * Every region comes from this one exec, so the harness can relate them (what one
 * leaked pointer gives away). The heap is measured by the first malloc, before
 * anything else allocates; the record goes out in a single write(2), with no stdio. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "record.h"

int probe_data = 1;               /* initialized global: .data */
int probe_bss;                    /* uninitialized global: .bss */
static __thread int probe_tls = 1; /* the main thread's TLS block */

enum { REGION_COUNT = 11 };

static uint64_t addr(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The real address of a libc function: dlsym resolves it inside libc itself, so a
 * PLT stub or canonical PLT entry of a non-PIE executable is never reported. */
static uint64_t libc_function_address(void)
{
	void *fn = dlsym(RTLD_NEXT, "write");
	return addr(fn);
}

int main(int argc, char **argv)
{
	static const char *const names[REGION_COUNT] = {
		"text", "data", "bss", "heap", "mmap", "libc", "ld", "vdso", "tls", "stack", "argv",
	};
	volatile int stack_local = 0;
	uint64_t values[REGION_COUNT];
	char line[RECORD_MAX_LEN];
	void *heap = malloc(16);
	void *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int len;

	if (argc < 1 || !heap || map == MAP_FAILED)
		return 1;
	values[0] = addr((const void *)(uintptr_t)&main);
	values[1] = addr(&probe_data);
	values[2] = addr(&probe_bss);
	values[3] = addr(heap);
	values[4] = addr(map);
	values[5] = libc_function_address();
	values[6] = getauxval(AT_BASE);
	values[7] = getauxval(AT_SYSINFO_EHDR);
	values[8] = addr(&probe_tls);
	values[9] = addr(&stack_local);
	values[10] = addr(argv[0]);
	len = record_format(line, sizeof(line), names, values, REGION_COUNT);
	if (len < 0 || values[5] == 0)
		return 1;
	return write(STDOUT_FILENO, line, (size_t)len) == len ? 0 : 1;
}
