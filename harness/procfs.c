#include "procfs.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for at least one more page and the NUL. */
static int reserve(struct proc_buf *buf)
{
	size_t cap = buf->cap ? buf->cap : 4096;
	char *data;

	if (buf->len + 4096 + 1 <= buf->cap)
		return 0;
	while (cap < buf->len + 4096 + 1)
		cap *= 2;
	data = realloc(buf->data, cap);
	if (!data)
		return -ENOMEM;
	buf->data = data;
	buf->cap = cap;
	return 0;
}

static int read_file(struct proc_buf *buf, const char *path, int one_piece)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? -errno : 0;

	buf->len = 0;
	while (rc == 0) {
		ssize_t n;
		rc = reserve(buf);
		if (rc < 0)
			break;
		n = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		buf->len += (size_t)n;
		if (buf->len + 1 < buf->cap && one_piece)
			break; /* a short read of a file the kernel makes in one piece: all of it */
	}
	if (buf->data)
		buf->data[buf->len] = '\0';
	if (fd >= 0)
		close(fd);
	return rc;
}

int proc_buf_read(struct proc_buf *buf, const char *path)
{
	return read_file(buf, path, 0);
}

int proc_buf_read_small(struct proc_buf *buf, const char *path)
{
	return read_file(buf, path, 1);
}

void proc_buf_free(struct proc_buf *buf)
{
	free(buf->data);
	memset(buf, 0, sizeof(*buf));
}

/* One field at *p: -?[0-9]+ followed by ' ' or the end; its value in *v (two's
 * complement for negatives, which no field we keep can be). */
static int stat_field(const char **p, const char *end, uint64_t *v)
{
	const char *q = *p;
	int digits = 0;

	*v = 0;
	if (q < end && *q == '-')
		q++;
	for (; q < end && *q >= '0' && *q <= '9'; q++, digits++) {
		if (*v > (UINT64_MAX - (uint64_t)(*q - '0')) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*q - '0');
	}
	if (!digits || (q < end && *q != ' '))
		return -1;
	*p = q;
	return 0;
}

int proc_stat_parse(const char *text, size_t len, const char *path, struct proc_stat *out,
		    struct aslr_error *err)
{
	const char *end = text + len, *p;
	unsigned field;

	while (end > text && end[-1] == '\n')
		end--;
	p = memrchr(text, ')', (size_t)(end - text));
	if (!p || memchr(text, '(', (size_t)(p - text)) == NULL)
		return aslr_error_input(err, -EINVAL, path, 1, 1, "no (comm) field");
	memset(out, 0, sizeof(*out));
	p++;
	if (end - p < 2 || p[0] != ' ' || !isalpha((unsigned char)p[1])) /* field 3: the state, one letter */
		return aslr_error_input(err, -EINVAL, path, 1, p - text + 2, "field 3 is not a state letter");
	for (p += 2, field = 4; p < end; field++) {
		uint64_t v;
		if (*p++ != ' ' || stat_field(&p, end, &v) < 0)
			return aslr_error_input(err, -EINVAL, path, 1, p - text, "field %u is not an integer", field);
		if (field == 28)
			out->start_stack = v;
		else if (field == 47)
			out->start_brk = v;
		else if (field == 48)
			out->arg_start = v;
	}
	if (field <= 48)
		return aslr_error_input(err, -EINVAL, path, 1, end - text + 1, "%u fields, at least 48 expected",
					field - 1);
	return 0;
}

static uint64_t word_at(const unsigned char *p, int elf_class)
{
	if (elf_class == 32) {
		uint32_t w;
		memcpy(&w, p, sizeof(w));
		return w;
	} else {
		uint64_t w;
		memcpy(&w, p, sizeof(w));
		return w;
	}
}

int proc_auxv_parse(const void *data, size_t len, int elf_class, const char *path, struct proc_auxv *out,
		    struct aslr_error *err)
{
	const unsigned char *p = data;
	size_t word = elf_class == 32 ? 4 : 8;

	memset(out, 0, sizeof(*out));
	for (size_t at = 0; at + 2 * word <= len; at += 2 * word) {
		uint64_t type = word_at(p + at, elf_class), value = word_at(p + at + word, elf_class);
		if (type == AT_NULL) {
			if (!out->entry)
				return aslr_error_input(err, -EINVAL, path, 0, 0, "no AT_ENTRY");
			return 0;
		}
		if (type == AT_ENTRY)
			out->entry = value;
		else if (type == AT_BASE)
			out->base = value;
		else if (type == AT_SYSINFO_EHDR)
			out->sysinfo_ehdr = value;
	}
	return aslr_error_input(err, -EINVAL, path, 0, 0, "no AT_NULL in %zu bytes of %d-bit pairs", len, elf_class);
}
