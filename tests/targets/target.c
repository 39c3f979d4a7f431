/* target.c: programs for the --target tests, built several ways from this one source
 * (tests/CMakeLists.txt), whose layout at the entry point is known in advance: which
 * files they map (a small library, a library over 2 MiB, none when static), whether the
 * executable moves (PIE, static-pie) or not (non-PIE). Built plain, like the probes. */
#include <fcntl.h>
#include <unistd.h>

#if defined(TARGET_LIB)
#include "target_lib.h"
#elif defined(TARGET_BIGLIB)
#include "biglib.h"
#endif

int main(int argc, char **argv)
{
#ifdef TARGET_TOUCH
	/* if main ever ran, the file argv[1] names would appear: traced, it never does */
	if (argc > 1) {
		int fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0)
			close(fd);
	}
#else
	(void)argc;
	(void)argv;
#endif
#if defined(TARGET_LIB)
	return target_lib_value() == 42 ? 0 : 1;
#elif defined(TARGET_BIGLIB)
	return biglib_function(0) == 1 ? 0 : 1;
#else
	return 0;
#endif
}
