/* Serial frames: base64 against RFC 4648's vectors, every frame back whole through any
 * chunking and among noise, and a truncated or corrupted transfer always detected, never
 * delivered. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base64.h"
#include "frame.h"
#include "rng.h"
#include "sha256.h"
#include "test_util.h"

static void test_base64_vectors(void **state)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	char out[16];
	unsigned char back[16];

	(void)state;
	for (int i = 0; i < 7; i++) {
		size_t n = strlen(plain[i]);
		assert_int_equal(base64_encoded_len(n), strlen(coded[i]));
		base64_encode(plain[i], n, out);
		assert_memory_equal(out, coded[i], strlen(coded[i]));
		assert_int_equal(base64_decode(coded[i], strlen(coded[i]), back), (long)n);
		assert_memory_equal(back, plain[i], n);
	}
	assert_int_equal(base64_decode("Zm9", 3, back), -1);      /* not a multiple of 4 */
	assert_int_equal(base64_decode("Zm9*", 4, back), -1);     /* outside the alphabet */
	assert_int_equal(base64_decode("Zh==", 4, back), -1);     /* bits under the padding */
	assert_int_equal(base64_decode("Zg==Zg==", 8, back), -1); /* padding inside */
}

/* Frames written to a pipe-less buffer: frame_write to a temp file, read back. */
struct stream {
	char *text;
	size_t len;
};

static struct stream write_frames(const char *dir, const unsigned char *data, const size_t *sizes, int n,
				  const char *noise)
{
	char path[512];
	struct aslr_error err;
	struct stream s;
	FILE *f;
	size_t off = 0;

	snprintf(path, sizeof(path), "%s/frames", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < n; i++) {
		char name[16];
		fputs(noise, f); /* kernel messages, should they share the line */
		fflush(f);
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(frame_write(fileno(f), "file", name, data + off, sizes[i], &err), 0);
		off += sizes[i];
	}
	fclose(f);
	s.text = tu_read_file(path, &s.len);
	return s;
}

struct collected {
	int count;
	size_t off;
	const unsigned char *expect;
	const size_t *sizes;
};

static int collect(void *ctx, const struct frame *f)
{
	struct collected *c = ctx;
	char name[16];

	snprintf(name, sizeof(name), "f%d", c->count);
	assert_string_equal(f->type, "file");
	assert_string_equal(f->name, name);
	assert_int_equal(f->len, c->sizes[c->count]);
	assert_memory_equal(f->data, c->expect + c->off, f->len);
	c->off += f->len;
	c->count++;
	return 0;
}

/* Feed in pieces of random sizes; 0 or the first error. */
static int feed(const struct stream *s, size_t upto, struct collected *c, uint64_t seed, struct aslr_error *err)
{
	struct frame_reader r;
	struct rng g = { seed };
	int rc = 0;

	frame_reader_init(&r);
	for (size_t at = 0; rc == 0 && at < upto;) {
		size_t n = 1 + rng_below(&g, 300);
		n = n > upto - at ? upto - at : n;
		rc = frame_feed(&r, s->text + at, n, collect, c, err);
		at += n;
	}
	if (rc == 0)
		rc = frame_finish(&r, err);
	frame_reader_free(&r);
	return rc;
}

static void test_round_trip(void **state)
{
	static const size_t sizes[] = { 0, 1, 56, 57, 58, 114, 1000, 300000 };
	size_t total = 0;
	unsigned char *data;
	struct rng g = { 42 };
	struct stream s;
	struct aslr_error err;

	for (int i = 0; i < 8; i++)
		total += sizes[i];
	data = malloc(total);
	for (size_t i = 0; i < total; i++)
		data[i] = (unsigned char)rng_next(&g);
	s = write_frames(*state, data, sizes, 8, "[    1.234] random: crng init done\r\n");
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct collected c = { 0, 0, data, sizes };
		assert_int_equal(feed(&s, s.len, &c, seed, &err), 0);
		assert_int_equal(c.count, 8);
	}
	free(s.text);
	free(data);
}

/* Cut anywhere inside the last frame: never delivered, always an error. */
static void test_truncation_detected(void **state)
{
	static const size_t sizes[] = { 100, 5000 };
	unsigned char data[5100];
	struct stream s;
	struct aslr_error err;
	size_t start;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	s = write_frames(*state, data, sizes, 2, "");
	start = (size_t)(strstr(s.text + 2, "\n=ASLR1") - s.text) + 1; /* the second frame's header */
	for (size_t cut = start + 1; cut < s.len - 1; cut += 7) {
		struct collected c = { 0, 0, data, sizes };
		int rc = feed(&s, cut, &c, cut, &err);
		assert_true(rc == -EPIPE || rc == -EBADMSG);
		assert_int_equal(c.count, 1);
	}
	free(s.text);
}

/* Any one character changed in a frame: never delivered, always an error. */
static void test_corruption_detected(void **state)
{
	static const size_t sizes[] = { 3000 };
	unsigned char data[3000];
	struct stream s;
	struct aslr_error err;
	struct rng g = { 7 };

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)rng_next(&g);
	s = write_frames(*state, data, sizes, 1, "");
	for (int trial = 0; trial < 400; trial++) {
		size_t at = 1 + rng_below(&g, s.len - 1);
		char saved = s.text[at], repl = (char)(' ' + rng_below(&g, 95));
		struct collected c = { 0, 0, data, sizes };
		if (repl == saved)
			continue;
		s.text[at] = repl;
		assert_true(feed(&s, s.len, &c, (uint64_t)trial, &err) < 0);
		assert_int_equal(c.count, 0);
		s.text[at] = saved;
	}
	free(s.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test_setup_teardown(test_round_trip, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_truncation_detected, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_corruption_detected, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
