/* strbuf.h: a growing text buffer with printf, for scripts and reports. */
#ifndef ASLR_STRBUF_H
#define ASLR_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *text; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	int failed; /* an allocation failed: the text is incomplete */
};

void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_append(struct strbuf *sb, const char *text, size_t len);
void strbuf_free(struct strbuf *sb);

/* Append the whole file at path. 0, or -errno (-ENOMEM when the buffer failed). */
int strbuf_read_file(struct strbuf *sb, const char *path);

#endif
