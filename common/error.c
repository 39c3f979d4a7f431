#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void aslr_error_clear(struct aslr_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

static void fill(struct aslr_error *err, enum aslr_error_kind kind, const char *file, long line,
		 long column, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* err may be NULL: callers that do not want the details pass none. */
static void fill(struct aslr_error *err, enum aslr_error_kind kind, const char *file, long line,
		 long column, const char *fmt, va_list ap)
{
	if (!err)
		return;
	aslr_error_clear(err);
	err->kind = kind;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
}

int aslr_error_set(struct aslr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fill(err, ASLR_ERR_WORK, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int aslr_error_at(struct aslr_error *err, int code, const char *file, long line,
		  long column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fill(err, ASLR_ERR_WORK, file, line, column, fmt, ap);
	va_end(ap);
	return code;
}

int aslr_error_usage(struct aslr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fill(err, ASLR_ERR_USAGE, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int aslr_error_input(struct aslr_error *err, int code, const char *file, long line,
		     long column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fill(err, ASLR_ERR_INPUT, file, line, column, fmt, ap);
	va_end(ap);
	return code;
}

int aslr_error_gate(struct aslr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fill(err, ASLR_ERR_GATE, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

void aslr_error_format(const struct aslr_error *err, char *buf, size_t size)
{
	if (err->file[0] && err->line > 0 && err->column > 0)
		snprintf(buf, size, "%s:%ld:%ld: %s", err->file, err->line, err->column, err->text);
	else if (err->file[0] && err->line > 0)
		snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->text);
	else if (err->file[0])
		snprintf(buf, size, "%s: %s", err->file, err->text);
	else
		snprintf(buf, size, "%s", err->text);
}

int aslr_exit_code(const struct aslr_error *err)
{
	switch (err->kind) {
	case ASLR_ERR_USAGE:
	case ASLR_ERR_INPUT:
		return ASLR_EXIT_USAGE;
	case ASLR_ERR_GATE:
		return ASLR_EXIT_GATE;
	case ASLR_ERR_WORK:
		break;
	}
	return ASLR_EXIT_FAILED;
}
