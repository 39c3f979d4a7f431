#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int grow(struct strbuf *sb, size_t need)
{
	size_t cap = sb->cap ? sb->cap : 256;
	char *text;

	if (sb->failed)
		return -1;
	if (sb->len + need + 1 <= sb->cap)
		return 0;
	while (cap < sb->len + need + 1)
		cap *= 2;
	text = realloc(sb->text, cap);
	if (!text) {
		sb->failed = 1;
		return -1;
	}
	sb->text = text;
	sb->cap = cap;
	return 0;
}

void strbuf_append(struct strbuf *sb, const char *text, size_t len)
{
	if (grow(sb, len) < 0)
		return;
	memcpy(sb->text + sb->len, text, len);
	sb->len += len;
	sb->text[sb->len] = '\0';
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(sb, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(sb->text + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->text);
	memset(sb, 0, sizeof(*sb));
}

int strbuf_read_file(struct strbuf *sb, const char *path)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		strbuf_append(sb, buf, (size_t)n);
	}
	close(fd);
	return rc < 0 ? rc : sb->failed ? -ENOMEM : 0;
}
