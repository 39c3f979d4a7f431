#include "probes.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

void probes_variant_name(const char *probe_path, char *name, size_t size)
{
	const char *base = strrchr(probe_path, '/');
	size_t i;

	base = base ? base + 1 : probe_path;
	if (strcmp(base, "aslr-probe") == 0)
		base = "pie";
	else if (strncmp(base, "aslr-probe-", 11) == 0 && base[11])
		base += 11;
	for (i = 0; base[i] && i + 1 < size; i++) {
		char c = base[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
		name[i] = ok ? c : '_';
	}
	name[i] = '\0';
}

int probes_own_dir(char *buf, size_t size, struct aslr_error *err)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return aslr_error_set(err, -ENOENT, "cannot find the folder of aslr-harness");
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return aslr_error_set(err, -ENOENT, "cannot find the folder of aslr-harness");
	*slash = '\0';
	return 0;
}

int probes_check_owner(const char *path, unsigned euid, struct aslr_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (euid != 0)
		return 0;
	if (stat(path, &st) < 0)
		return aslr_error_input(err, -errno, path, 0, 0, "%s", strerror(errno));
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) || (st.st_uid != 0 && st.st_uid != euid))
		return aslr_error_at(err, -EPERM, path, 0, 0,
				     "refusing to run as root a probe that other users can write "
				     "(mode %04o, owner uid %u)", st.st_mode & 07777, (unsigned)st.st_uid);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (stat(dir[0] ? dir : "/", &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		return aslr_error_at(err, -EPERM, path, 0, 0,
				     "refusing to run as root a probe in a folder anyone can write (%s)", dir);
	return 0;
}

/* --probe PATH: one probe, of the variant its name says. */
static int resolve_probe_path(struct run_config *cfg, const char *path, unsigned euid, struct aslr_error *err)
{
	cfg->variant_count = 1;
	snprintf(cfg->variants[0].probe, sizeof(cfg->variants[0].probe), "%s", path);
	probes_variant_name(path, cfg->variants[0].name, sizeof(cfg->variants[0].name));
	if (access(path, X_OK) < 0)
		return aslr_error_input(err, -errno, path, 0, 0, "probe is not executable: %s", strerror(errno));
	return probes_check_owner(path, euid, err);
}

void probes_target_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; base[i] && i + 1 < size && i < VARIANT_NAME_MAX; i++) {
		char c = base[i] >= 'A' && base[i] <= 'Z' ? (char)(base[i] - 'A' + 'a') : base[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
		name[i] = ok ? c : '_';
	}
	name[i] = '\0';
}

static int variant_named(const struct run_config *cfg, const char *name)
{
	for (unsigned v = 0; v < cfg->variant_count; v++)
		if (strcmp(cfg->variants[v].name, name) == 0)
			return 1;
	return 0;
}

/* --target PATH: a variant named after its file ("-2", "-3", ... when the name is taken). */
static int add_target(struct run_config *cfg, const char *path, struct aslr_error *err)
{
	struct run_variant *v = &cfg->variants[cfg->variant_count];
	char base[VARIANT_NAME_MAX + 1];
	struct stat st;

	if (cfg->variant_count == MAX_VARIANTS)
		return aslr_error_usage(err, -EINVAL, "more than %d variants and targets", MAX_VARIANTS);
	if (stat(path, &st) < 0 || access(path, X_OK) < 0)
		return aslr_error_input(err, -errno, path, 0, 0, "target is not executable: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return aslr_error_input(err, -EINVAL, path, 0, 0, "target is not a regular file");
	if (snprintf(v->probe, sizeof(v->probe), "%s", path) >= (int)sizeof(v->probe))
		return aslr_error_input(err, -ENAMETOOLONG, path, 0, 0, "path too long");
	probes_target_name(path, base, sizeof(base));
	snprintf(v->name, sizeof(v->name), "%s", base[0] ? base : "target");
	for (unsigned k = 2; variant_named(cfg, v->name); k++) {
		char suffix[16];
		int n = snprintf(suffix, sizeof(suffix), "-%u", k);
		snprintf(v->name, sizeof(v->name), "%.*s%s", VARIANT_NAME_MAX - n, base, suffix);
	}
	v->target = 1;
	v->elf_class = 64;
	cfg->variant_count++;
	return 0;
}

static int resolve_targets(struct run_config *cfg, const struct harness_options *opts, struct aslr_error *err)
{
	for (unsigned i = 0; i < opts->target_count; i++) {
		int rc = add_target(cfg, opts->targets[i], err);
		if (rc < 0)
			return rc;
	}
	cfg->target_args = opts->target_args;
	return 0;
}

/* The built variants --variants names (default pie, unless only targets are asked for). */
static int resolve_built(struct run_config *cfg, const struct harness_options *opts, const char *bin_dir,
			 struct aslr_error *err)
{
	cfg->variant_count = opts->variant_count ? opts->variant_count : opts->target_count ? 0 : 1;
	for (unsigned i = 0; i < cfg->variant_count; i++) {
		const char *name = opts->variant_count ? opts->variants[i] : "pie";
		struct run_variant *v = &cfg->variants[i];
		int n;
		snprintf(v->name, sizeof(v->name), "%s", name);
		if (strcmp(name, "pie") == 0)
			n = snprintf(v->probe, sizeof(v->probe), "%s/aslr-probe", bin_dir);
		else
			n = snprintf(v->probe, sizeof(v->probe), "%s/aslr-probe-%s", bin_dir, name);
		if (n < 0 || (size_t)n >= sizeof(v->probe))
			return aslr_error_set(err, -ENAMETOOLONG, "%s: folder name too long", bin_dir);
		if (access(v->probe, X_OK) < 0)
			return aslr_error_input(err, -ENOENT, v->probe, 0, 0, "variant '%s' is not built here", name);
	}
	return 0;
}

int probes_resolve(struct run_config *cfg, const struct harness_options *opts, const char *bin_dir, unsigned euid,
		   struct aslr_error *err)
{
	int rc = opts->probe_path ? resolve_probe_path(cfg, opts->probe_path, euid, err)
				  : resolve_built(cfg, opts, bin_dir, err);

	return rc < 0 ? rc : resolve_targets(cfg, opts, err);
}

static int has_targets(const struct run_config *cfg)
{
	for (unsigned v = 0; v < cfg->variant_count; v++)
		if (cfg->variants[v].target)
			return 1;
	return 0;
}

/* A target that runs as root runs its libraries' constructors as root: the same care as a probe. */
static int check_root_targets(const struct run_config *cfg, unsigned euid, struct aslr_error *err)
{
	for (unsigned v = 0; v < cfg->variant_count; v++)
		if (cfg->variants[v].target && probes_check_owner(cfg->variants[v].probe, euid, err) < 0)
			return -EPERM;
	return 0;
}

int probes_resolve_user(struct run_config *cfg, const char *user, unsigned euid, struct aslr_error *err)
{
	struct passwd *pw;

	if (!user && euid == 0 && has_targets(cfg)) {
		pw = getpwnam(PROBES_TARGET_USER);
		if (!pw)
			return aslr_error_set(err, -ENOENT, "no user '%s' to run the targets as: name one with --user",
					      PROBES_TARGET_USER);
		cfg->target_drop_privileges = 1;
		cfg->target_uid = (unsigned)pw->pw_uid;
		cfg->target_gid = (unsigned)pw->pw_gid;
		cfg->target_user = PROBES_TARGET_USER;
		return 0;
	}
	if (!user)
		return 0;
	if (euid != 0)
		return aslr_error_set(err, -EPERM, "--user needs root (probes already run as you)");
	pw = getpwnam(user);
	if (!pw)
		return aslr_error_usage(err, -EINVAL, "--user: no user '%s'", user);
	cfg->drop_privileges = cfg->target_drop_privileges = 1;
	cfg->uid = cfg->target_uid = (unsigned)pw->pw_uid;
	cfg->gid = cfg->target_gid = (unsigned)pw->pw_gid;
	cfg->target_user = user;
	return pw->pw_uid == 0 ? check_root_targets(cfg, euid, err) : 0;
}
