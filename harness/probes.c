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

int probes_resolve(struct run_config *cfg, const struct harness_options *opts, const char *bin_dir, unsigned euid,
		   struct aslr_error *err)
{
	if (opts->probe_path)
		return resolve_probe_path(cfg, opts->probe_path, euid, err);
	cfg->variant_count = opts->variant_count ? opts->variant_count : 1;
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

int probes_resolve_user(struct run_config *cfg, const char *user, unsigned euid, struct aslr_error *err)
{
	struct passwd *pw;

	if (!user)
		return 0;
	if (euid != 0)
		return aslr_error_set(err, -EPERM, "--user needs root (probes already run as you)");
	pw = getpwnam(user);
	if (!pw)
		return aslr_error_usage(err, -EINVAL, "--user: no user '%s'", user);
	cfg->drop_privileges = 1;
	cfg->uid = (unsigned)pw->pw_uid;
	cfg->gid = (unsigned)pw->pw_gid;
	return 0;
}
