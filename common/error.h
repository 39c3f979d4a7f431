/* error.h: the error struct every library fills instead of printing.
 *
 * Core code returns 0 or -errno and, on failure, describes what went wrong here,
 * including what kind of failure it was; only a program's main() prints the message
 * and turns the kind into the exit status (aslr_exit_code), the same for every
 * executable:
 *   0 success · 1 the work failed · 2 usage error or bad input · 3 a regression gate tripped */
#ifndef ASLR_ERROR_H
#define ASLR_ERROR_H

#include <stddef.h>

enum { ASLR_ERROR_TEXT = 512, ASLR_ERROR_FILE = 256 };

enum aslr_error_kind {
	ASLR_ERR_WORK = 0, /* the work failed: I/O, probes over budget, a permission the user asked for */
	ASLR_ERR_USAGE,    /* the command line asks for something that cannot be */
	ASLR_ERR_INPUT,    /* an input (file, value, folder) is not what it must be */
	ASLR_ERR_GATE,     /* a regression gate tripped */
};

enum { ASLR_EXIT_OK = 0, ASLR_EXIT_FAILED = 1, ASLR_EXIT_USAGE = 2, ASLR_EXIT_GATE = 3 };

struct aslr_error {
	enum aslr_error_kind kind;
	char file[ASLR_ERROR_FILE]; /* input the error is about, "" if none */
	long line;                  /* 1-based, 0 when not about a line */
	long column;                /* 1-based, 0 when not about a column */
	char text[ASLR_ERROR_TEXT];
};

/* Clear every field (the kind becomes ASLR_ERR_WORK). */
void aslr_error_clear(struct aslr_error *err);

/* Fill err (which may be NULL) as a failure of the work and return code, so callers
 * can write `return aslr_error_set(err, -EIO, ...)`. */
int aslr_error_set(struct aslr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, naming an input position; line/column 0 are left out of the message. */
int aslr_error_at(struct aslr_error *err, int code, const char *file, long line,
		  long column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A usage error: the command line is wrong. */
int aslr_error_usage(struct aslr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Bad input at a position (file may be NULL, line/column 0 when unknown). */
int aslr_error_input(struct aslr_error *err, int code, const char *file, long line,
		     long column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A regression gate tripped (exit 3). */
int aslr_error_gate(struct aslr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE:LINE:COLUMN: text" (parts that are unset are omitted) into buf. */
void aslr_error_format(const struct aslr_error *err, char *buf, size_t size);

/* The exit status for err's kind: 1, 2 or 3 (never 0). */
int aslr_exit_code(const struct aslr_error *err);

#endif
