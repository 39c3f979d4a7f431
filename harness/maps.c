#include "maps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* A cursor over one line, for the error's column. */
struct cursor {
	const char *p, *end, *line;
	const char *why;
};

/* 1..max_digits lowercase hex digits. */
static int take_hex(struct cursor *c, unsigned max_digits, uint64_t *v, const char *what)
{
	unsigned n = 0;

	*v = 0;
	for (; c->p < c->end && record_hex_digit(*c->p) >= 0; c->p++, n++) {
		if (n == max_digits) {
			c->why = what;
			return -1;
		}
		*v = *v << 4 | (uint64_t)record_hex_digit(*c->p);
	}
	if (n == 0)
		c->why = what;
	return n ? 0 : -1;
}

static int take_decimal(struct cursor *c, uint64_t *v, const char *what)
{
	unsigned n = 0;

	*v = 0;
	for (; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++, n++) {
		if (*v > (UINT64_MAX - (uint64_t)(*c->p - '0')) / 10) {
			c->why = what;
			return -1;
		}
		*v = *v * 10 + (uint64_t)(*c->p - '0');
	}
	if (n == 0)
		c->why = what;
	return n ? 0 : -1;
}

static int take_char(struct cursor *c, char want, const char *what)
{
	if (c->p < c->end && *c->p == want) {
		c->p++;
		return 0;
	}
	c->why = what;
	return -1;
}

static int take_perms(struct cursor *c, char *perms)
{
	static const char allowed[4][3] = { "r-", "w-", "x-", "ps" };

	for (int i = 0; i < 4; i++, c->p++) {
		if (c->p == c->end || !memchr(allowed[i], *c->p, 2)) {
			c->why = "permissions are not [r-][w-][x-][ps]";
			return -1;
		}
		perms[i] = *c->p;
	}
	perms[4] = '\0';
	return 0;
}

static int take_device(struct cursor *c, struct map_entry *e)
{
	uint64_t major, minor;

	if (take_hex(c, 8, &major, "device major is not hex") < 0 || take_char(c, ':', "':' expected in the device") < 0 ||
	    take_hex(c, 8, &minor, "device minor is not hex") < 0)
		return -1;
	e->dev_major = (unsigned)major;
	e->dev_minor = (unsigned)minor;
	return 0;
}

/* After the inode: nothing, or a space, the padding and a path that is not blank. */
static int take_path(struct cursor *c, struct map_entry *e)
{
	e->path = NULL;
	e->path_len = 0;
	if (c->p == c->end)
		return 0;
	if (take_char(c, ' ', "a space expected after the inode") < 0)
		return -1;
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	if (c->p == c->end)
		return 0; /* an anonymous mapping: the kernel ends its line with the space */
	e->path = c->p;
	e->path_len = (size_t)(c->end - c->p);
	c->p = c->end;
	return 0;
}

static int parse_line(struct cursor *c, struct map_entry *e)
{
	if (take_hex(c, 16, &e->start, "start address is not 1-16 hex digits") < 0 ||
	    take_char(c, '-', "'-' expected after the start address") < 0 ||
	    take_hex(c, 16, &e->end, "end address is not 1-16 hex digits") < 0 ||
	    take_char(c, ' ', "a space expected after the end address") < 0 || take_perms(c, e->perms) < 0 ||
	    take_char(c, ' ', "a space expected after the permissions") < 0 ||
	    take_hex(c, 16, &e->offset, "offset is not 1-16 hex digits") < 0 ||
	    take_char(c, ' ', "a space expected after the offset") < 0 || take_device(c, e) < 0 ||
	    take_char(c, ' ', "a space expected after the device") < 0 ||
	    take_decimal(c, &e->inode, "inode is not a decimal number") < 0 || take_path(c, e) < 0)
		return -1;
	if (e->start >= e->end) {
		c->p = c->line;
		c->why = "the mapping ends before it starts";
		return -1;
	}
	return 0;
}

static int grow(struct maps *maps)
{
	size_t cap = maps->cap ? maps->cap * 2 : 64;
	struct map_entry *entry;

	if (maps->count < maps->cap)
		return 0;
	entry = realloc(maps->entry, cap * sizeof(*entry));
	if (!entry)
		return -ENOMEM;
	maps->entry = entry;
	maps->cap = cap;
	return 0;
}

int maps_parse(struct maps *maps, const char *text, size_t len, const char *path, struct aslr_error *err)
{
	const char *p = text, *end = text + len;
	long line = 0;

	maps->count = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct cursor c = { p, nl ? nl : end, p, NULL };
		struct map_entry *e;
		line++;
		if (!nl)
			return aslr_error_input(err, -EINVAL, path, line, end - p + 1, "the last line has no newline");
		if (grow(maps) < 0)
			return aslr_error_set(err, -ENOMEM, "out of memory");
		e = &maps->entry[maps->count];
		if (parse_line(&c, e) < 0)
			return aslr_error_input(err, -EINVAL, path, line, c.p - p + 1, "%s", c.why);
		if (maps->count && e->start < maps->entry[maps->count - 1].end)
			return aslr_error_input(err, -EINVAL, path, line, 1, "overlaps or precedes the line before");
		maps->count++;
		p = nl + 1;
	}
	if (maps->count == 0)
		return aslr_error_input(err, -EINVAL, path, 0, 0, "no mappings");
	return 0;
}

int maps_read(struct maps *maps, struct proc_buf *buf, const char *path, struct aslr_error *err)
{
	int rc = proc_buf_read(buf, path);

	if (rc < 0)
		return aslr_error_at(err, rc, path, 0, 0, "cannot read: %s", strerror(-rc));
	return maps_parse(maps, buf->data, buf->len, path, err);
}

int map_entry_is_file(const struct map_entry *e)
{
	return e->path && e->path[0] == '/' && e->inode != 0;
}

int map_entry_is(const struct map_entry *e, const char *name)
{
	size_t n = strlen(name);

	return e->path && e->path_len == n && memcmp(e->path, name, n) == 0;
}

void maps_free(struct maps *maps)
{
	free(maps->entry);
	memset(maps, 0, sizeof(*maps));
}
