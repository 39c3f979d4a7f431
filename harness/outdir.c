#include "outdir.h"

#include "folder.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static void sanitize(char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			*s = '_';
	}
}

int outdir_default_path(char *buf, size_t size, const char *parent, time_t when,
			const char *host, const char *release)
{
	char stamp[32], h[128], r[128];
	struct tm tm;
	int n;

	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(h, sizeof(h), "%s", host);
	snprintf(r, sizeof(r), "%s", release);
	sanitize(h);
	sanitize(r);
	n = snprintf(buf, size, "%s/%s-%s-%s", parent, stamp, h, r);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int outdir_create(const char *path, struct aslr_error *err)
{
	return aslr_folder_create(path, err);
}

int outdir_link_latest(const char *parent, const char *name, struct aslr_error *err)
{
	char tmp[PATH_MAX], link[PATH_MAX];
	struct stat st;

	snprintf(link, sizeof(link), "%s/latest", parent);
	if (lstat(link, &st) == 0 && !S_ISLNK(st.st_mode))
		return aslr_error_at(err, -EEXIST, link, 0, 0, "exists and is not a symlink; left alone");
	snprintf(tmp, sizeof(tmp), "%s/.latest.%ld", parent, (long)getpid());
	unlink(tmp);
	if (symlink(name, tmp) < 0)
		return aslr_error_at(err, -errno, tmp, 0, 0, "symlink: %s", strerror(errno));
	if (rename(tmp, link) < 0) {
		int e = errno;
		unlink(tmp);
		return aslr_error_at(err, -e, link, 0, 0, "rename: %s", strerror(e));
	}
	return 0;
}

int outdir_prepare(char *buf, size_t size, const char *given, const char *parent, time_t now, char *warning,
		   size_t warning_size, struct aslr_error *err)
{
	struct utsname uts;
	struct aslr_error link_err;
	char host[256] = "host";
	int rc;

	warning[0] = '\0';
	if (given) {
		if (snprintf(buf, size, "%s", given) >= (int)size)
			return aslr_error_at(err, -ENAMETOOLONG, given, 0, 0, "folder name too long");
		return outdir_create(buf, err);
	}
	uname(&uts);
	gethostname(host, sizeof(host) - 1);
	if (outdir_default_path(buf, size, parent, now, host, uts.release) < 0)
		return aslr_error_set(err, -ENAMETOOLONG, "run folder name too long");
	rc = outdir_create(buf, err);
	if (rc == 0 && outdir_link_latest(parent, strrchr(buf, '/') + 1, &link_err) < 0)
		snprintf(warning, warning_size, "%s/latest: %s", parent, link_err.text);
	return rc;
}
