#include "probedir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "probes.h"

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir joined with rel, each leading "../" of rel taking the last component off dir. */
static int join_lexically(const char *dir, const char *rel, char *buf, size_t size)
{
	char base[PATH_MAX];
	int n = snprintf(base, sizeof(base), "%s", dir);

	if (n < 0 || (size_t)n >= sizeof(base))
		return -ENAMETOOLONG;
	while (strncmp(rel, "../", 3) == 0) {
		char *slash = strrchr(base, '/');
		if (!slash || slash == base)
			break; /* at the root: keep the rest as it is */
		*slash = '\0';
		rel += 3;
	}
	n = rel[0] == '/' ? snprintf(buf, size, "%s", rel) : snprintf(buf, size, "%s/%s", base, rel);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int copy_dir(const char *dir, char *buf, size_t size, struct aslr_error *err)
{
	int n = snprintf(buf, size, "%s", dir);

	if (n < 0 || (size_t)n >= size)
		return aslr_error_set(err, -ENAMETOOLONG, "%s: folder name too long", dir);
	return 0;
}

int probedir_for(const char *exe_dir, const char *reldir, char *buf, size_t size, struct aslr_error *err)
{
	char cache[PATH_MAX];

	if (join_lexically(exe_dir, "../CMakeCache.txt", cache, sizeof(cache)) == 0 && is_file(cache))
		return copy_dir(exe_dir, buf, size, err);
	if (join_lexically(exe_dir, reldir, buf, size) < 0)
		return aslr_error_set(err, -ENAMETOOLONG, "%s/%s: folder name too long", exe_dir, reldir);
	return is_dir(buf) ? 0 : copy_dir(exe_dir, buf, size, err);
}

int probedir_default(char *buf, size_t size, struct aslr_error *err)
{
	char own[PATH_MAX];
	int rc = probes_own_dir(own, sizeof(own), err);

	return rc < 0 ? rc : probedir_for(own, ASLR_PROBE_RELDIR, buf, size, err);
}
