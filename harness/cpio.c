#include "cpio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

enum { NEWC_HEADER = 110, COPY_CHUNK = 65536 };

struct entry {
	const char *name;
	unsigned mode; /* type and permission bits */
	uint64_t size;
	unsigned rdev_major, rdev_minor;
};

void cpio_begin(struct cpio_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->next_ino = 1;
}

static int write_bytes(struct cpio_writer *w, const void *buf, size_t len, struct aslr_error *err)
{
	int rc = aslr_write_all(w->fd, buf, len);

	if (rc < 0)
		return aslr_error_set(err, rc, "writing the initramfs: %s", strerror(-rc));
	w->offset += len;
	return 0;
}

/* Zero bytes up to the next multiple of align. */
static int pad_to(struct cpio_writer *w, unsigned align, struct aslr_error *err)
{
	static const char zeros[512];
	size_t n = (size_t)((align - w->offset % align) % align);

	return n ? write_bytes(w, zeros, n, err) : 0;
}

static int write_header(struct cpio_writer *w, const struct entry *e, struct aslr_error *err)
{
	char header[NEWC_HEADER + 1];
	size_t name_size = strlen(e->name) + 1;
	int rc;

	if (e->size > UINT32_MAX)
		return aslr_error_set(err, -EFBIG, "%s: over 4 GiB, more than a cpio newc entry holds", e->name);
	snprintf(header, sizeof(header), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 w->next_ino++, e->mode, 0u, 0u, S_ISDIR(e->mode) ? 2u : 1u, 0u, (unsigned)e->size, 0u, 0u,
		 e->rdev_major, e->rdev_minor, (unsigned)name_size, 0u);
	rc = write_bytes(w, header, NEWC_HEADER, err);
	if (rc == 0)
		rc = write_bytes(w, e->name, name_size, err);
	return rc < 0 ? rc : pad_to(w, 4, err);
}

static int seen(const struct cpio_writer *w, const char *name, size_t len)
{
	for (size_t i = 0; i < w->name_count; i++)
		if (strlen(w->names[i]) == len && memcmp(w->names[i], name, len) == 0)
			return 1;
	return 0;
}

static int remember(struct cpio_writer *w, const char *name, size_t len, struct aslr_error *err)
{
	char *copy = strndup(name, len);

	if (copy && w->name_count == w->name_cap) {
		size_t cap = w->name_cap ? w->name_cap * 2 : 32;
		char **names = realloc(w->names, cap * sizeof(*names));
		if (!names) {
			free(copy);
			copy = NULL;
		} else {
			w->names = names;
			w->name_cap = cap;
		}
	}
	if (!copy)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	w->names[w->name_count++] = copy;
	return 0;
}

/* The folders above name, each once, outermost first. */
static int add_parents(struct cpio_writer *w, const char *name, struct aslr_error *err)
{
	for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t len = (size_t)(slash - name);
		char dir[4096];
		int rc;
		if (seen(w, name, len))
			continue;
		if (len >= sizeof(dir))
			return aslr_error_set(err, -ENAMETOOLONG, "%s: name too long", name);
		memcpy(dir, name, len);
		dir[len] = '\0';
		rc = write_header(w, &(struct entry){ .name = dir, .mode = S_IFDIR | 0755 }, err);
		if (rc == 0)
			rc = remember(w, name, len, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Checks the name, adds its folders and writes the entry's header. */
static int begin_entry(struct cpio_writer *w, const struct entry *e, struct aslr_error *err)
{
	size_t len = strlen(e->name);
	int rc;

	if (len == 0 || e->name[0] == '/' || e->name[len - 1] == '/' || strstr(e->name, "//"))
		return aslr_error_set(err, -EINVAL, "cpio: bad entry name '%s'", e->name);
	if (seen(w, e->name, len))
		return aslr_error_set(err, -EEXIST, "cpio: '%s' added twice", e->name);
	rc = add_parents(w, e->name, err);
	if (rc == 0)
		rc = write_header(w, e, err);
	return rc < 0 ? rc : remember(w, e->name, len, err);
}

int cpio_add_dir(struct cpio_writer *w, const char *name, unsigned mode, struct aslr_error *err)
{
	return begin_entry(w, &(struct entry){ .name = name, .mode = S_IFDIR | (mode & 07777) }, err);
}

int cpio_add_data(struct cpio_writer *w, const char *name, unsigned mode, const void *data, size_t len,
		  struct aslr_error *err)
{
	int rc = begin_entry(w, &(struct entry){ .name = name, .mode = S_IFREG | (mode & 07777), .size = len },
			     err);

	if (rc == 0)
		rc = write_bytes(w, data, len, err);
	return rc < 0 ? rc : pad_to(w, 4, err);
}

static int copy_body(struct cpio_writer *w, int fd, uint64_t size, const char *host_path, struct aslr_error *err)
{
	char *buf = malloc(COPY_CHUNK);
	uint64_t done = 0;
	int rc = buf ? 0 : aslr_error_set(err, -ENOMEM, "out of memory");

	while (rc == 0 && done < size) {
		ssize_t n = read(fd, buf, size - done < COPY_CHUNK ? (size_t)(size - done) : COPY_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = aslr_error_at(err, n < 0 ? -errno : -EIO, host_path, 0, 0, "%s",
					   n < 0 ? strerror(errno) : "file shrank while it was copied");
		else
			rc = write_bytes(w, buf, (size_t)n, err);
		done += n > 0 ? (uint64_t)n : 0;
	}
	free(buf);
	return rc < 0 ? rc : pad_to(w, 4, err);
}

int cpio_add_copy(struct cpio_writer *w, const char *name, unsigned mode, const char *host_path,
		  struct aslr_error *err)
{
	struct stat st;
	int fd = open(host_path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return aslr_error_at(err, -errno, host_path, 0, 0, "%s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		rc = aslr_error_at(err, -EINVAL, host_path, 0, 0, "not a regular file");
	else
		rc = begin_entry(w, &(struct entry){ .name = name, .mode = S_IFREG | (mode & 07777),
						     .size = (uint64_t)st.st_size }, err);
	if (rc == 0)
		rc = copy_body(w, fd, (uint64_t)st.st_size, host_path, err);
	close(fd);
	return rc;
}

int cpio_add_symlink(struct cpio_writer *w, const char *name, const char *target, struct aslr_error *err)
{
	size_t len = strlen(target);
	int rc = begin_entry(w, &(struct entry){ .name = name, .mode = S_IFLNK | 0777, .size = len }, err);

	if (rc == 0)
		rc = write_bytes(w, target, len, err);
	return rc < 0 ? rc : pad_to(w, 4, err);
}

int cpio_add_device(struct cpio_writer *w, const char *name, unsigned mode, unsigned major, unsigned minor,
		    struct aslr_error *err)
{
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		return aslr_error_set(err, -EINVAL, "cpio: %s is neither a character nor a block device", name);
	return begin_entry(w, &(struct entry){ .name = name, .mode = mode, .rdev_major = major,
					       .rdev_minor = minor }, err);
}

void cpio_discard(struct cpio_writer *w)
{
	for (size_t i = 0; i < w->name_count; i++)
		free(w->names[i]);
	free(w->names);
	w->names = NULL;
	w->name_count = w->name_cap = 0;
}

int cpio_finish(struct cpio_writer *w, struct aslr_error *err)
{
	int rc = write_header(w, &(struct entry){ .name = "TRAILER!!!" }, err);

	if (rc == 0)
		rc = pad_to(w, 512, err);
	cpio_discard(w);
	return rc;
}
