/* error.h: the error struct every library fills instead of printing.
 *
 * Core code returns 0 or -errno and, on failure, describes what went wrong here;
 * only a program's main() prints the message and chooses the exit code. */
#ifndef ASLR_ERROR_H
#define ASLR_ERROR_H

#include <stddef.h>

enum { ASLR_ERROR_TEXT = 512, ASLR_ERROR_FILE = 256 };

struct aslr_error {
	char file[ASLR_ERROR_FILE]; /* input the error is about, "" if none */
	long line;                  /* 1-based, 0 when not about a line */
	long column;                /* 1-based, 0 when not about a column */
	char text[ASLR_ERROR_TEXT];
};

/* Clear every field. */
void aslr_error_clear(struct aslr_error *err);

/* Fill err (which may be NULL) and return code, so callers can write
 * `return aslr_error_set(err, -EINVAL, ...)`. */
int aslr_error_set(struct aslr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, naming an input position; line/column 0 are left out of the message. */
int aslr_error_at(struct aslr_error *err, int code, const char *file, long line,
		  long column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* "FILE:LINE:COLUMN: text" (parts that are unset are omitted) into buf. */
void aslr_error_format(const struct aslr_error *err, char *buf, size_t size);

#endif
