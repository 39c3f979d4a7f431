#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"

int sysctl_read_int(const char *path, int *value, struct aslr_error *err)
{
	char buf[64], *end;
	ssize_t n;
	long v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot read: %s", strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot read: %s", strerror(errno));
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	while (*end == ' ' || *end == '\n' || *end == '\t')
		end++;
	if (end == buf || *end || errno || v < -2147483647L || v > 2147483647L)
		return aslr_error_input(err, -EINVAL, path, 1, 0, "not an integer: '%.20s'", buf);
	*value = (int)v;
	return 0;
}

int sysctl_write_int(const char *path, int value, struct aslr_error *err)
{
	char buf[32];
	int back = 0, rc;
	int len = snprintf(buf, sizeof(buf), "%d\n", value);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot write: %s", strerror(errno));
	rc = aslr_write_all(fd, buf, (size_t)len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		return aslr_error_at(err, rc, path, 0, 0, "cannot write %d: %s", value, strerror(-rc));
	rc = sysctl_read_int(path, &back, err);
	if (rc < 0)
		return rc;
	if (back != value)
		return aslr_error_at(err, -EIO, path, 0, 0, "wrote %d but it reads %d", value, back);
	return 0;
}
