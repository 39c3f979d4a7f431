#include "samples_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "record.h"

enum { ROW_MAX = 3 * 24 + RECORD_MAX_REGIONS * 20 };

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

static void put(struct samples_writer *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

int samples_header_text(char *buf, size_t size, const struct samples_knobs *knobs, char names[][33],
			unsigned count)
{
	size_t used = 0;
	int n = snprintf(buf, size, "variant,mode,seq%s%s", knobs->has_rnd_bits ? ",mmap_rnd_bits" : "",
			 knobs->has_rnd_compat_bits ? ",mmap_rnd_compat_bits" : "");

	for (unsigned i = 0; n >= 0 && (used += (size_t)n) < size && i <= count; i++)
		n = i < count ? snprintf(buf + used, size - used, ",%s", names[i]) : snprintf(buf + used, size - used, "\n");
	return n < 0 || used >= size ? -1 : (int)used;
}

int samples_writer_append(struct samples_writer *w, const char *path, const struct samples_knobs *knobs,
			  struct aslr_error *err)
{
	w->len = 0;
	w->knobs = *knobs;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (w->fd < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot append: %s", strerror(errno));
	return 0;
}

int samples_writer_header(struct samples_writer *w, const struct samples_knobs *knobs,
			  char names[][33], unsigned count, struct aslr_error *err)
{
	char line[RECORD_MAX_REGIONS * 34 + 64];
	int n = samples_header_text(line, sizeof(line), knobs, names, count), rc;

	if (n < 0)
		return aslr_error_set(err, -E2BIG, "header too long");
	rc = ensure_room(w, (size_t)n, err);
	if (rc < 0)
		return rc;
	w->knobs = *knobs;
	put(w, line, (size_t)n);
	return 0;
}

static size_t format_u64(char *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

int samples_writer_row(struct samples_writer *w, const struct series_key *key, uint64_t seq,
		       const uint64_t *values, unsigned count, struct aslr_error *err)
{
	size_t variant_len = strlen(key->variant);
	int rc = ensure_room(w, ROW_MAX + variant_len, err);

	if (rc < 0)
		return rc;
	put(w, key->variant, variant_len);
	w->buf[w->len++] = ',';
	w->len += format_u64(w->buf + w->len, (uint64_t)key->mode);
	w->buf[w->len++] = ',';
	w->len += format_u64(w->buf + w->len, seq);
	if (w->knobs.has_rnd_bits) {
		w->buf[w->len++] = ',';
		w->len += format_u64(w->buf + w->len, (uint64_t)key->rnd_bits);
	}
	if (w->knobs.has_rnd_compat_bits) {
		w->buf[w->len++] = ',';
		w->len += format_u64(w->buf + w->len, (uint64_t)key->rnd_compat_bits);
	}
	for (unsigned i = 0; i < count; i++) {
		w->buf[w->len++] = ',';
		w->len += (size_t)record_hex(w->buf + w->len, values[i]);
	}
	w->buf[w->len++] = '\n';
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
