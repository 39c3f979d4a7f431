#include "folder.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Enter name under dir (a folder fd), creating it first when missing. last: the folder
 * asked for. Returns the new folder's fd, or -errno with err filled; path/len name the
 * prefix for messages. */
static int enter(int dir, char *name, int last, const char *path, size_t len, struct aslr_error *err)
{
	int created = mkdirat(dir, name, 0755) == 0;
	int flags = O_DIRECTORY | O_CLOEXEC, fd;

	if (!created && errno != EEXIST)
		return aslr_error_at(err, -errno, "", 0, 0, "%.*s: cannot create folder: %s", (int)len, path,
				     strerror(errno));
	/* what this call made, and the folder itself, are entered without following a symlink */
	flags |= O_PATH | (created || last ? O_NOFOLLOW : 0);
	fd = openat(dir, name, flags);
	if (fd >= 0)
		return fd;
	if (errno == ELOOP || (errno == ENOTDIR && (created || last))) {
		struct stat st;
		int link = fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
		return aslr_error_input(err, link ? -ELOOP : -ENOTDIR, NULL, 0, 0, "%.*s: %s", (int)len, path,
					link ? "is a symbolic link; refusing to follow it for output"
					     : "exists and is not a folder");
	}
	return aslr_error_at(err, -errno, "", 0, 0, "%.*s: %s", (int)len, path, strerror(errno));
}

int aslr_folder_create(const char *path, struct aslr_error *err)
{
	char copy[PATH_MAX];
	size_t len = strlen(path);
	int dir, rc = 0;

	if (len == 0 || len >= sizeof(copy))
		return aslr_error_input(err, -ENAMETOOLONG, path, 0, 0, "bad folder name");
	memcpy(copy, path, len + 1);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	dir = open(copy[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "%s", strerror(errno));
	for (char *name = copy + (copy[0] == '/'); *name && rc == 0;) {
		char *end = strchr(name, '/');
		int last = !end, next;
		if (end)
			*end = '\0';
		next = *name ? enter(dir, name, last, copy, end ? (size_t)(end - copy) : len, err) : dir;
		if (end)
			*end = '/';
		if (next < 0)
			rc = next;
		else if (next != dir) {
			close(dir);
			dir = next;
		}
		name = end ? end + 1 : name + strlen(name);
	}
	close(dir);
	return rc;
}
