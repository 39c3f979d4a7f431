#include "samples_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"

int samples_writer_create(struct samples_writer *w, const char *path, struct aslr_error *err)
{
	w->len = 0;
	w->knobs = (struct samples_knobs){ 0 };
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (w->fd < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot create: %s", strerror(errno));
	return 0;
}

int samples_writer_flush(struct samples_writer *w, struct aslr_error *err)
{
	int rc;

	if (w->len == 0)
		return 0;
	rc = aslr_write_all(w->fd, w->buf, w->len);
	if (rc < 0)
		return aslr_error_at(err, rc, w->path, 0, 0, "write failed: %s", strerror(-rc));
	w->len = 0;
	return 0;
}

static int ensure_room(struct samples_writer *w, size_t need, struct aslr_error *err)
{
	if (w->len + need <= sizeof(w->buf))
		return 0;
	return samples_writer_flush(w, err);
}

int samples_writer_append(struct samples_writer *w, const char *path, const struct samples_knobs *knobs,
			  uint64_t keep, struct aslr_error *err)
{
	w->len = 0;
	w->knobs = *knobs;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (w->fd < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot append: %s", strerror(errno));
	if (ftruncate(w->fd, (off_t)keep) < 0) {
		int rc = aslr_error_at(err, -errno, path, 0, 0, "cannot cut the unfinished row: %s", strerror(errno));
		close(w->fd);
		w->fd = -1;
		return rc;
	}
	return 0;
}

int samples_writer_header(struct samples_writer *w, const struct samples_knobs *knobs,
			  char names[][RECORD_NAME_MAX + 1], unsigned count, struct aslr_error *err)
{
	struct strbuf line = { 0 };
	int rc = 0;

	samples_csv_header(&line, knobs, names, count);
	if (line.failed)
		rc = aslr_error_set(err, -ENOMEM, "out of memory");
	if (rc == 0 && line.len > sizeof(w->buf))
		rc = aslr_error_set(err, -E2BIG, "header longer than %zu bytes", sizeof(w->buf));
	if (rc == 0)
		rc = ensure_room(w, line.len, err);
	if (rc == 0) {
		w->knobs = *knobs;
		memcpy(w->buf + w->len, line.text, line.len);
		w->len += line.len;
	}
	strbuf_free(&line);
	return rc;
}

int samples_writer_row(struct samples_writer *w, const struct series_key *key, uint64_t seq,
		       const uint64_t *values, unsigned count, struct aslr_error *err)
{
	int rc = ensure_room(w, samples_csv_row_max(strlen(key->variant), count), err);

	if (rc < 0)
		return rc;
	w->len += samples_csv_row(w->buf + w->len, &w->knobs, key, seq, values, count);
	return 0;
}

int samples_writer_close(struct samples_writer *w, struct aslr_error *err)
{
	int rc = 0;

	if (w->fd < 0)
		return 0;
	rc = samples_writer_flush(w, err);
	if (rc == 0 && fsync(w->fd) < 0)
		rc = aslr_error_at(err, -errno, w->path, 0, 0, "fsync failed: %s", strerror(errno));
	if (close(w->fd) < 0 && rc == 0)
		rc = aslr_error_at(err, -errno, w->path, 0, 0, "close failed: %s", strerror(errno));
	w->fd = -1;
	return rc;
}
