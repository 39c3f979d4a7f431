/* frame.h: files and messages over a serial line, framed so that a truncated or
 * corrupted transfer is detected, never taken for a result.
 *
 * A frame is text, so any byte-clean or 7-bit line carries it:
 *
 *   =ASLR1 <type> <name> <length> <sha256 of the payload, hex>
 *   <the payload in base64, lines of 76 characters>
 *   =END
 *
 * type and name match [A-Za-z0-9._-]{1,63}. The reader ignores lines outside a frame
 * (kernel messages, should they share the line), accepts "\r\n", and checks every frame:
 * base64 alphabet, length, SHA-256. A damaged frame is an error, not skipped: a channel
 * that lost one frame may have lost more. */
#ifndef ASLR_FRAME_H
#define ASLR_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

enum { FRAME_WORD_MAX = 63 };

/* The largest payload a reader accepts: 1 GiB (a run's samples.csv of ~4 million rows). */
#define FRAME_MAX_PAYLOAD (UINT64_C(1) << 30)

/* Write one frame to fd (retrying short writes). 0 or -errno. */
int frame_write(int fd, const char *type, const char *name, const void *data, size_t len, struct aslr_error *err);

struct frame {
	char type[FRAME_WORD_MAX + 1];
	char name[FRAME_WORD_MAX + 1];
	const unsigned char *data; /* len bytes, valid during the callback only */
	size_t len;
};

/* Called for each frame that arrived whole and verified. 0, or -errno (own err filled) to stop. */
typedef int (*frame_fn)(void *ctx, const struct frame *frame);

struct frame_reader {
	int in_frame;
	struct strbuf line;     /* the line being read */
	int line_overlong;      /* outside a frame: skip to the next newline */
	struct frame head;      /* type and name of the frame being read */
	uint64_t expect_len;
	char expect_sha[65];
	unsigned char *data;    /* decoded so far */
	size_t len, cap;
	uint64_t frames;        /* complete frames so far */
	uint64_t noise_lines;   /* lines outside frames */
};

void frame_reader_init(struct frame_reader *r);
void frame_reader_free(struct frame_reader *r);

/* Feed what the line carried. 0, a callback's error, or -EBADMSG (err says what was wrong
 * with which frame). */
int frame_feed(struct frame_reader *r, const char *buf, size_t len, frame_fn fn, void *ctx,
	       struct aslr_error *err);

/* The line ended (EOF). -EPIPE when it ended inside a frame (err names the frame and how
 * much of it came), 0 otherwise. */
int frame_finish(struct frame_reader *r, struct aslr_error *err);

#endif
