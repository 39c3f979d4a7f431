#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void aslr_error_clear(struct aslr_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

static void set_text(struct aslr_error *err, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void set_text(struct aslr_error *err, const char *fmt, va_list ap)
{
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
}

int aslr_error_set(struct aslr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	aslr_error_clear(err);
	va_start(ap, fmt);
	set_text(err, fmt, ap);
	va_end(ap);
	return code;
}

int aslr_error_at(struct aslr_error *err, int code, const char *file, long line,
		  long column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	aslr_error_clear(err);
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	set_text(err, fmt, ap);
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
