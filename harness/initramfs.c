#include "initramfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "cpio.h"
#include "guest_proto.h"

/* Folders the init mounts on or writes in, and the nodes it needs before /dev is mounted. */
static int add_skeleton(struct cpio_writer *w, const struct qemu_arch *arch, struct aslr_error *err)
{
	static const char *const dirs[] = { "proc", "sys", "dev", "run", "tmp" };
	const char *data = strrchr(arch->data_device, '/');
	char console[64], data_node[64];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		rc = cpio_add_dir(w, dirs[i], strcmp(dirs[i], "tmp") == 0 ? 01777 : 0755, err);
	snprintf(console, sizeof(console), "dev/%s", arch->console);
	snprintf(data_node, sizeof(data_node), "dev/%s", data ? data + 1 : arch->data_device);
	if (rc == 0)
		rc = cpio_add_device(w, "dev/console", S_IFCHR | 0600, 5, 1, err);
	if (rc == 0)
		rc = cpio_add_device(w, "dev/null", S_IFCHR | 0666, 1, 3, err);
	if (rc == 0)
		rc = cpio_add_device(w, console, S_IFCHR | 0600, arch->console_major, arch->console_minor, err);
	if (rc == 0)
		rc = cpio_add_device(w, data_node, S_IFCHR | 0600, arch->data_major, arch->data_minor, err);
	return rc;
}

/* Index of an earlier file with the same contents (same file on the host), or i. */
static size_t first_copy(char (*real)[PATH_MAX], size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (real[k][0] && strcmp(real[k], real[i]) == 0)
			return k;
	return i;
}

static int add_files(struct cpio_writer *w, const struct elfdeps *deps, struct initramfs_stats *stats,
		     struct aslr_error *err)
{
	char (*real)[PATH_MAX] = calloc(deps->count + 1, sizeof(*real));
	int rc = real ? 0 : aslr_error_set(err, -ENOMEM, "out of memory");

	for (size_t i = 0; rc == 0 && i < deps->count; i++) {
		const struct elfdeps_file *f = &deps->file[i];
		struct stat st;
		size_t k;
		if (!realpath(f->host, real[i]))
			real[i][0] = '\0';
		k = first_copy(real, i);
		if (k < i) {
			rc = cpio_add_symlink(w, f->guest + 1, deps->file[k].guest, err);
			stats->links++;
			continue;
		}
		rc = stat(f->host, &st) < 0 ? aslr_error_at(err, -errno, f->host, 0, 0, "%s", strerror(errno)) : 0;
		if (rc == 0)
			rc = cpio_add_copy(w, f->guest + 1, st.st_mode & 0755, f->host, err);
		stats->files++;
	}
	free(real);
	return rc;
}

static int add_programs(struct cpio_writer *w, const struct initramfs_spec *spec, struct initramfs_stats *stats,
			struct aslr_error *err)
{
	struct elfdeps deps = { .defaults = spec->arch->lib_dirs, .default_count = spec->arch->lib_dir_count };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < spec->program_count; i++) {
		if (spec->program[i].guest[0] != '/')
			rc = aslr_error_set(err, -EINVAL, "initramfs: guest path '%s' is not absolute", spec->program[i].guest);
		else
			rc = elfdeps_add(&deps, spec->program[i].host, spec->program[i].guest, err);
	}
	if (rc == 0)
		rc = add_files(w, &deps, stats, err);
	elfdeps_free(&deps);
	return rc;
}

static int add_all(struct cpio_writer *w, const struct initramfs_spec *spec, struct initramfs_stats *stats,
		   struct aslr_error *err)
{
	int rc = add_skeleton(w, spec->arch, err);

	if (rc == 0)
		rc = add_programs(w, spec, stats, err);
	if (rc == 0)
		rc = cpio_add_symlink(w, "init", spec->init, err);
	if (rc == 0)
		rc = cpio_add_data(w, GUEST_ARGS_PATH + 1, 0644, spec->args, spec->args_len, err);
	if (rc == 0)
		rc = cpio_add_data(w, GUEST_CONF_PATH + 1, 0644, spec->conf, strlen(spec->conf), err);
	return rc;
}

int initramfs_write(const struct initramfs_spec *spec, const char *path, struct initramfs_stats *stats,
		    struct aslr_error *err)
{
	struct aslr_atomic_file file;
	struct cpio_writer w;
	int rc = aslr_atomic_open(&file, path, err);

	memset(stats, 0, sizeof(*stats));
	if (rc < 0)
		return rc;
	cpio_begin(&w, file.fd);
	rc = add_all(&w, spec, stats, err);
	if (rc == 0)
		rc = cpio_finish(&w, err);
	else
		cpio_discard(&w);
	stats->bytes = w.offset;
	if (rc == 0)
		rc = aslr_atomic_commit(&file, err);
	else
		aslr_atomic_abort(&file);
	return rc;
}
