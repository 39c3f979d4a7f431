/* rawsys.h: system calls for a child that shares the harness's memory until it execs.
 *
 * spawn.c starts each program with clone(CLONE_VM) and no CLONE_VFORK, so the harness goes
 * on while the child drops privileges, asks to be traced and execs. Until its execve the
 * child runs in the harness's address space with the harness's thread pointer, so it must
 * not touch what the harness uses: no errno (libc's wrappers, syscall() included, write
 * the harness's), no allocation, no sanitizer runtime. rawsys() is the bare instruction:
 * the kernel's return value, -errno on failure. RAWSYS_CLONE is 1 where it exists (x86-64);
 * elsewhere spawn.c keeps vfork, which suspends the harness, and rawsys() is syscall(). */
#ifndef ASLR_RAWSYS_H
#define ASLR_RAWSYS_H

#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

/* Code that runs in such a child: not instrumented (the sanitizers' runtime state is the
 * harness's) and never inlined into instrumented code. */
#define RAWSYS_CHILD __attribute__((noinline, no_sanitize("address", "undefined")))

#if defined(__x86_64__)
#define RAWSYS_CLONE 1

/* a macro, not a function: nothing for a sanitizer to instrument, nothing to inline */
#define rawsys6(n, a, b, c, d, e, f)                                                             \
	({                                                                                       \
		register long rawsys_r10_ __asm__("r10") = (long)(d);                            \
		register long rawsys_r8_ __asm__("r8") = (long)(e);                              \
		register long rawsys_r9_ __asm__("r9") = (long)(f);                              \
		long rawsys_ret_;                                                                \
		__asm__ volatile("syscall"                                                       \
				 : "=a"(rawsys_ret_)                                             \
				 : "a"((long)(n)), "D"((long)(a)), "S"((long)(b)), "d"((long)(c)), \
				   "r"(rawsys_r10_), "r"(rawsys_r8_), "r"(rawsys_r9_)            \
				 : "rcx", "r11", "memory");                                      \
		rawsys_ret_;                                                                     \
	})
#else
#define RAWSYS_CLONE 0

static inline long rawsys_libc(long n, long a, long b, long c, long d, long e, long f)
{
	long ret = syscall(n, a, b, c, d, e, f);

	return ret == -1 ? -errno : ret;
}
#define rawsys6(n, a, b, c, d, e, f) \
	rawsys_libc((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#endif

#define rawsys(n, a, b, c, d) rawsys6((n), (a), (b), (c), (d), 0, 0)

#endif
