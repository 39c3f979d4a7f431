#include "elfdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfread.h"
#include "strbuf.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static struct elfdeps_file *find_guest(const struct elfdeps *d, const char *guest)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->file[i].guest, guest) == 0)
			return &d->file[i];
	return NULL;
}

/* A library the loader already has: same file name, same kind of ELF. */
static int loaded(const struct elfdeps *d, const char *name, int elf_class, unsigned machine)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->file[i].elf_class == elf_class && d->file[i].machine == machine &&
		    strcmp(base_name(d->file[i].guest), name) == 0)
			return 1;
	return 0;
}

static int push(struct elfdeps *d, const char *host, const char *guest, struct aslr_error *err)
{
	struct elfdeps_file *f;

	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct elfdeps_file *grown = realloc(d->file, cap * sizeof(*grown));
		if (!grown)
			return aslr_error_set(err, -ENOMEM, "out of memory");
		d->file = grown;
		d->cap = cap;
	}
	f = &d->file[d->count];
	memset(f, 0, sizeof(*f));
	f->host = strdup(host);
	f->guest = strdup(guest);
	if (!f->host || !f->guest) {
		free(f->host);
		free(f->guest);
		return aslr_error_set(err, -ENOMEM, "out of memory");
	}
	if (elf_identify(host, &f->elf_class, &f->machine) < 0)
		f->elf_class = 0;
	d->count++;
	return 0;
}

/* dir with $ORIGIN / ${ORIGIN} replaced by origin, into buf. */
static int expand(char *buf, size_t size, const char *dir, size_t len, const char *origin)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		size_t skip = strncmp(dir + i, "${ORIGIN}", 9) == 0 ? 9 : strncmp(dir + i, "$ORIGIN", 7) == 0 ? 7 : 0;
		const char *piece = skip ? origin : dir + i;
		size_t plen = skip ? strlen(origin) : 1;
		if (n + plen >= size)
			return -ENAMETOOLONG;
		memcpy(buf + n, piece, plen);
		n += plen;
		i += skip ? skip : 1;
	}
	buf[n] = '\0';
	return 0;
}

static void folder_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, size, ".");
	else
		snprintf(buf, size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

/* A library the object can use: an ELF file of its class and machine. */
static int usable(const char *path, int elf_class, unsigned machine)
{
	int c;
	unsigned m;

	return access(path, R_OK) == 0 && elf_identify(path, &c, &m) == 0 && c == elf_class && m == machine;
}

struct lookup {
	const struct elfdeps_file *obj; /* who needs it */
	const char *name;
	char host[PATH_MAX], guest[PATH_MAX];
	struct strbuf tried;            /* for the error message */
};

/* Search a ':'-separated list; 1 when found (lk->host, lk->guest filled). */
static int search_list(struct lookup *lk, const char *list)
{
	char host_origin[PATH_MAX], guest_origin[PATH_MAX], dir[PATH_MAX], gdir[PATH_MAX];

	folder_of(lk->obj->host, host_origin, sizeof(host_origin));
	folder_of(lk->obj->guest, guest_origin, sizeof(guest_origin));
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ":");
		if (len && expand(dir, sizeof(dir), p, len, host_origin) == 0 &&
		    expand(gdir, sizeof(gdir), p, len, guest_origin) == 0 &&
		    snprintf(lk->host, sizeof(lk->host), "%s/%s", dir, lk->name) < (int)sizeof(lk->host) &&
		    snprintf(lk->guest, sizeof(lk->guest), "%s/%s", gdir, lk->name) < (int)sizeof(lk->guest)) {
			strbuf_printf(&lk->tried, "%s%s", lk->tried.len ? ", " : "", dir);
			if (usable(lk->host, lk->obj->elf_class, lk->obj->machine))
				return 1;
		}
		p += len + (p[len] == ':');
	}
	return 0;
}

static const char *const *default_dirs(const struct elfdeps *d, int elf_class, unsigned machine)
{
	for (size_t i = 0; i < d->default_count; i++)
		if (d->defaults[i].elf_class == elf_class && d->defaults[i].machine == machine)
			return d->defaults[i].dirs;
	return NULL;
}

/* The loader's order: RPATH unless there is a RUNPATH, RUNPATH, the default folders. */
static int search(const struct elfdeps *d, const struct elf_dyninfo *info, struct lookup *lk)
{
	const char *const *dirs = default_dirs(d, lk->obj->elf_class, lk->obj->machine);

	if (strchr(lk->name, '/')) {
		snprintf(lk->host, sizeof(lk->host), "%s", lk->name);
		snprintf(lk->guest, sizeof(lk->guest), "%s", lk->name);
		strbuf_printf(&lk->tried, "the path itself");
		return usable(lk->host, lk->obj->elf_class, lk->obj->machine);
	}
	if ((!info->runpath && search_list(lk, info->rpath)) || search_list(lk, info->runpath))
		return 1;
	for (size_t i = 0; dirs && dirs[i]; i++)
		if (search_list(lk, dirs[i]))
			return 1;
	return 0;
}

static int add_needed(struct elfdeps *d, size_t obj, const struct elf_dyninfo *info, const char *name,
		      struct aslr_error *err)
{
	struct lookup lk = { .obj = &d->file[obj], .name = name };
	int rc = 0;

	if (loaded(d, name, lk.obj->elf_class, lk.obj->machine))
		return 0;
	if (!search(d, info, &lk))
		rc = aslr_error_input(err, -ENOENT, lk.obj->host, 0, 0, "needs %s, not found in %s", name,
				      lk.tried.text ? lk.tried.text : "no folder (no default folders for this kind of ELF)");
	else if (!find_guest(d, lk.guest))
		rc = push(d, lk.host, lk.guest, err);
	strbuf_free(&lk.tried);
	return rc;
}

/* "#!/bin/sh -e": the interpreter, which the kernel runs instead. */
static int script_interpreter(const char *path, char *buf, size_t size)
{
	char head[PATH_MAX + 3] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof(head) - 1) : -1;
	size_t start = 2, len;

	if (fd >= 0)
		close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return 0;
	head[n] = '\0';
	start += strspn(head + 2, " \t");
	len = strcspn(head + start, " \t\n");
	return len && head[start] == '/' && snprintf(buf, size, "%.*s", (int)len, head + start) < (int)size;
}

static int has_elf_magic(const char *path)
{
	char magic[4] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, magic, sizeof(magic)) : -1;

	if (fd >= 0)
		close(fd);
	return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

/* What file i needs: an interpreter and libraries for ELF, the #! interpreter for a script.
 * A file that starts as ELF but does not parse is an error, not a script. */
static int add_needs(struct elfdeps *d, size_t i, struct aslr_error *err)
{
	struct elf_dyninfo info;
	char interp[PATH_MAX];
	int rc;

	if (d->file[i].elf_class == 0 && !has_elf_magic(d->file[i].host))
		return script_interpreter(d->file[i].host, interp, sizeof(interp)) && !find_guest(d, interp)
			       ? push(d, interp, interp, err) : 0;
	rc = elf_dyninfo_read(d->file[i].host, &info, err);
	if (rc == 0 && info.interp && !find_guest(d, info.interp))
		rc = push(d, info.interp, info.interp, err);
	for (size_t k = 0; rc == 0 && k < info.needed_count; k++)
		rc = add_needed(d, i, &info, info.needed[k], err);
	elf_dyninfo_free(&info); /* zeroed when the read failed */
	return rc;
}

int elfdeps_add(struct elfdeps *d, const char *host_path, const char *guest_path, struct aslr_error *err)
{
	size_t first = d->count;
	int rc;

	if (find_guest(d, guest_path))
		return 0;
	if (access(host_path, R_OK) < 0)
		return aslr_error_input(err, -errno, host_path, 0, 0, "%s", strerror(errno));
	rc = push(d, host_path, guest_path, err);
	for (size_t i = first; rc == 0 && i < d->count; i++) /* what was added grows the list: breadth first */
		rc = add_needs(d, i, err);
	return rc;
}

void elfdeps_free(struct elfdeps *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->file[i].host);
		free(d->file[i].guest);
	}
	free(d->file);
	d->file = NULL;
	d->count = d->cap = 0;
}
