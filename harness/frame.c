#include "frame.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "base64.h"
#include "sha256.h"

enum {
	LINE_BYTES = 57,         /* payload bytes per base64 line: 76 characters */
	LINE_MAX_CHARS = 1024,   /* longer lines are noise outside a frame, damage inside one */
	WRITE_CHUNK = 64 * 1024,
};

static void digest_hex(const void *data, size_t len, char hex[65])
{
	struct sha256 ctx;
	unsigned char digest[32];

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
}

static int valid_word(const char *w)
{
	size_t n = strlen(w);

	if (n == 0 || n > FRAME_WORD_MAX)
		return 0;
	for (; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') || (*w >= '0' && *w <= '9') ||
		      *w == '.' || *w == '_' || *w == '-'))
			return 0;
	return 1;
}

/* The base64 lines, a chunk of them per write. */
static int write_body(int fd, const unsigned char *p, size_t len)
{
	char *buf = malloc(WRITE_CHUNK);
	size_t used = 0;
	int rc = buf ? 0 : -ENOMEM;

	for (size_t off = 0; rc == 0 && off < len; off += LINE_BYTES) {
		size_t n = len - off < LINE_BYTES ? len - off : LINE_BYTES;
		base64_encode(p + off, n, buf + used);
		used += base64_encoded_len(n);
		buf[used++] = '\n';
		if (used + 80 > WRITE_CHUNK || off + n == len) {
			rc = aslr_write_all(fd, buf, used);
			used = 0;
		}
	}
	free(buf);
	return rc;
}

int frame_write(int fd, const char *type, const char *name, const void *data, size_t len, struct aslr_error *err)
{
	char header[2 * FRAME_WORD_MAX + 128], sha[65];
	int n, rc;

	if (!valid_word(type) || !valid_word(name))
		return aslr_error_set(err, -EINVAL, "frame: bad type or name '%s %s'", type, name);
	digest_hex(data, len, sha);
	/* The newline first: a frame starts a line even after a half-written one. */
	n = snprintf(header, sizeof(header), "\n=ASLR1 %s %s %zu %s\n", type, name, len, sha);
	rc = aslr_write_all(fd, header, (size_t)n);
	if (rc == 0)
		rc = write_body(fd, data, len);
	if (rc == 0)
		rc = aslr_write_all(fd, "=END\n", 5);
	return rc < 0 ? aslr_error_set(err, rc, "writing frame %s %s: %s", type, name, strerror(-rc)) : 0;
}

void frame_reader_init(struct frame_reader *r)
{
	memset(r, 0, sizeof(*r));
}

void frame_reader_free(struct frame_reader *r)
{
	strbuf_free(&r->line);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

static int damaged(struct frame_reader *r, struct aslr_error *err, const char *what)
{
	return aslr_error_set(err, -EBADMSG, "frame %s %s: %s (after %" PRIu64 " whole frames)",
			      r->head.type[0] ? r->head.type : "?", r->head.name[0] ? r->head.name : "?", what,
			      r->frames);
}

/* "=ASLR1 type name length sha" starts a frame. */
static int start_frame(struct frame_reader *r, const char *line, struct aslr_error *err)
{
	char type[FRAME_WORD_MAX + 2], name[FRAME_WORD_MAX + 2], sha[66], tail;
	unsigned long long len;

	memset(&r->head, 0, sizeof(r->head));
	if (sscanf(line, "=ASLR1 %64s %64s %llu %65s %c", type, name, &len, sha, &tail) != 4 || !valid_word(type) ||
	    !valid_word(name) || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
		return damaged(r, err, "a damaged frame header");
	memcpy(r->head.type, type, strlen(type) + 1); /* valid_word: at most FRAME_WORD_MAX */
	memcpy(r->head.name, name, strlen(name) + 1);
	if (len > FRAME_MAX_PAYLOAD)
		return damaged(r, err, "announces more than 1 GiB");
	r->expect_len = len;
	memcpy(r->expect_sha, sha, sizeof(r->expect_sha));
	r->len = 0;
	r->in_frame = 1;
	return 0;
}

static int append_line(struct frame_reader *r, const char *line, size_t n, struct aslr_error *err)
{
	size_t max = n / 4 * 3;
	long got;

	if (r->len + max > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		unsigned char *grown;
		while (cap < r->len + max)
			cap *= 2;
		grown = realloc(r->data, cap);
		if (!grown)
			return aslr_error_set(err, -ENOMEM, "out of memory");
		r->data = grown;
		r->cap = cap;
	}
	got = base64_decode(line, n, r->data + r->len);
	if (got < 0)
		return damaged(r, err, "a line that is not base64");
	r->len += (size_t)got;
	if (r->len > r->expect_len)
		return damaged(r, err, "more bytes than its header announced");
	return 0;
}

static int end_frame(struct frame_reader *r, frame_fn fn, void *ctx, struct aslr_error *err)
{
	char sha[65];
	char what[128];

	r->in_frame = 0;
	if (r->len != r->expect_len) {
		snprintf(what, sizeof(what), "%zu bytes where its header announced %" PRIu64, r->len, r->expect_len);
		return damaged(r, err, what);
	}
	digest_hex(r->data ? (const void *)r->data : "", r->len, sha);
	if (strcmp(sha, r->expect_sha) != 0)
		return damaged(r, err, "SHA-256 mismatch: corrupted in transit");
	r->frames++;
	r->head.data = r->data;
	r->head.len = r->len;
	return fn ? fn(ctx, &r->head) : 0;
}

static int take_line(struct frame_reader *r, char *line, size_t n, frame_fn fn, void *ctx,
		     struct aslr_error *err)
{
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (!r->in_frame) {
		if (strncmp(line, "=ASLR", 5) == 0)
			return start_frame(r, line, err);
		if (strcmp(line, "=END") == 0)
			return damaged(r, err, "an end without a start: the header was lost");
		r->noise_lines += n > 0;
		return 0;
	}
	if (strcmp(line, "=END") == 0)
		return end_frame(r, fn, ctx, err);
	if (strncmp(line, "=ASLR", 5) == 0)
		return damaged(r, err, "cut off by the next frame");
	return append_line(r, line, n, err);
}

int frame_feed(struct frame_reader *r, const char *buf, size_t len, frame_fn fn, void *ctx,
	       struct aslr_error *err)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		int rc = 0;
		if (!r->line_overlong)
			strbuf_append(&r->line, buf + i, n);
		if (r->line.failed)
			return aslr_error_set(err, -ENOMEM, "out of memory");
		if (r->line.len > LINE_MAX_CHARS) {
			if (r->in_frame)
				return damaged(r, err, "a line far longer than base64 lines are");
			r->line_overlong = 1; /* noise: drop it up to its newline */
			r->line.len = 0;
		}
		i += n + (nl != NULL);
		if (!nl)
			break;
		if (!r->line_overlong)
			rc = take_line(r, r->line.text ? r->line.text : (char[]){ "" }, r->line.len, fn, ctx, err);
		r->line_overlong = 0;
		r->line.len = 0;
		if (r->line.text)
			r->line.text[0] = '\0';
		if (rc < 0)
			return rc;
	}
	return 0;
}

int frame_finish(struct frame_reader *r, struct aslr_error *err)
{
	char what[128];

	if (!r->in_frame && !(r->line.text && r->line.text[0] == '=')) /* '=': a header's start */
		return 0;
	if (!r->in_frame) /* cut inside a header: the frame never started */
		snprintf(what, sizeof(what), "truncated inside its header");
	else
		snprintf(what, sizeof(what), "truncated: the line ended after %zu of %" PRIu64 " bytes", r->len,
			 r->expect_len);
	damaged(r, err, what);
	return -EPIPE;
}
