/* target_lib.c: a small shared library for the test targets, built several ways:
 *   plain               one function (the library region of a target)
 *   TARGET_CTOR_UID     its constructor, which runs before the program's entry point,
 *                       writes the uid it runs as to the file "<argv[1]>.ctor"
 *   TARGET_CTOR_HANG    its constructor never returns: the program never reaches its
 *                       entry point (timeouts, and a harness killed while it traces) */
#include "target_lib.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int target_lib_value(void)
{
	return 42;
}

#ifdef TARGET_CTOR_UID
__attribute__((constructor)) static void write_uid(void)
{
	char cmdline[4096], path[4200];
	int fd = open("/proc/self/cmdline", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, cmdline, sizeof(cmdline) - 1) : -1;
	size_t first;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	cmdline[n] = '\0';
	first = strlen(cmdline) + 1; /* argv[1] follows argv[0]'s NUL */
	if ((ssize_t)first >= n)
		return;
	snprintf(path, sizeof(path), "%s.ctor", cmdline + first);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dprintf(fd, "%u\n", (unsigned)getuid());
		close(fd);
	}
}
#endif

#ifdef TARGET_CTOR_HANG
__attribute__((constructor)) static void hang(void)
{
	for (;;)
		pause();
}
#endif
