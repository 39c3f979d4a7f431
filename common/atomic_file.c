#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int aslr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void split_dir_base(const char *path, char *dir, size_t dir_size, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dir_size, ".");
		*base = path;
	} else if (slash == path) {
		snprintf(dir, dir_size, "/");
		*base = slash + 1;
	} else {
		snprintf(dir, dir_size, "%.*s", (int)(slash - path), path);
		*base = slash + 1;
	}
}

int aslr_atomic_open(struct aslr_atomic_file *file, const char *path, struct aslr_error *err)
{
	char dir[PATH_MAX];
	const char *base;
	int n;

	file->fd = -1;
	file->tmp_path[0] = '\0';
	if (snprintf(file->path, sizeof(file->path), "%s", path) >= (int)sizeof(file->path))
		return aslr_error_at(err, -ENAMETOOLONG, path, 0, 0, "path too long");
	split_dir_base(path, dir, sizeof(dir), &base);
	n = snprintf(file->tmp_path, sizeof(file->tmp_path), "%s/.%s.tmp.XXXXXX", dir, base);
	if (n < 0 || n >= (int)sizeof(file->tmp_path))
		return aslr_error_at(err, -ENAMETOOLONG, path, 0, 0, "path too long");
	/* mkostemp creates with O_CREAT|O_EXCL: an existing name, symlink or not, is never opened. */
	file->fd = mkostemp(file->tmp_path, O_CLOEXEC);
	if (file->fd < 0) {
		int e = errno;
		file->tmp_path[0] = '\0';
		return aslr_error_at(err, -e, path, 0, 0, "cannot create a temp file in %s: %s", dir,
				     strerror(e));
	}
	if (fchmod(file->fd, 0644) < 0) {
		int e = errno;
		aslr_atomic_abort(file);
		return aslr_error_at(err, -e, path, 0, 0, "chmod: %s", strerror(e));
	}
	return 0;
}

int aslr_atomic_write(struct aslr_atomic_file *file, const void *buf, size_t len,
		      struct aslr_error *err)
{
	int rc = aslr_write_all(file->fd, buf, len);

	if (rc < 0)
		return aslr_error_at(err, rc, file->path, 0, 0, "write failed: %s", strerror(-rc));
	return 0;
}

int aslr_atomic_commit(struct aslr_atomic_file *file, struct aslr_error *err)
{
	int rc = 0;

	if (fsync(file->fd) < 0) {
		rc = -errno;
		aslr_error_at(err, rc, file->path, 0, 0, "fsync failed: %s", strerror(-rc));
		goto out_abort;
	}
	if (close(file->fd) < 0) {
		file->fd = -1;
		rc = -errno;
		aslr_error_at(err, rc, file->path, 0, 0, "close failed: %s", strerror(-rc));
		goto out_abort;
	}
	file->fd = -1;
	if (rename(file->tmp_path, file->path) < 0) {
		rc = -errno;
		aslr_error_at(err, rc, file->path, 0, 0, "rename failed: %s", strerror(-rc));
		goto out_abort;
	}
	file->tmp_path[0] = '\0';
	return 0;

out_abort:
	aslr_atomic_abort(file);
	return rc;
}

void aslr_atomic_abort(struct aslr_atomic_file *file)
{
	if (file->fd >= 0) {
		close(file->fd);
		file->fd = -1;
	}
	if (file->tmp_path[0]) {
		unlink(file->tmp_path);
		file->tmp_path[0] = '\0';
	}
}

int aslr_write_file_atomic(const char *path, const void *buf, size_t len, struct aslr_error *err)
{
	struct aslr_atomic_file file;
	int rc = aslr_atomic_open(&file, path, err);

	if (rc < 0)
		return rc;
	rc = aslr_atomic_write(&file, buf, len, err);
	if (rc < 0) {
		aslr_atomic_abort(&file);
		return rc;
	}
	return aslr_atomic_commit(&file, err);
}
