#include "reaper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int reaper_enable(struct aslr_error *err)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return aslr_error_set(err, -errno, "prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
	return 0;
}

unsigned reaper_reap_group(pid_t pgid)
{
	unsigned reaped = 0;

	for (;;) {
		pid_t pid = waitpid(-pgid, NULL, 0);
		if (pid > 0)
			reaped++;
		else if (errno != EINTR)
			return reaped; /* ECHILD: no child of ours is left in the group */
	}
}

/* The parent pid in proc/<name>/stat ("pid (comm) S ppid ..."; comm may hold ')' and
 * spaces, so read after the last one); -1 when unreadable (the process is gone). */
static long stat_ppid(const char *proc, const char *name)
{
	char path[PATH_MAX], buf[1024], *close_paren;
	long ppid = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/stat", proc, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	close_paren = strrchr(buf, ')');
	if (!close_paren || sscanf(close_paren + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return ppid;
}

/* Kill and reap each child of ours listed in proc now; *found gets how many. */
static int sweep_round(const char *proc, unsigned *found, struct aslr_error *err)
{
	DIR *dir = opendir(proc);
	struct dirent *e;
	int rc = 0;

	*found = 0;
	if (!dir)
		return aslr_error_at(err, -errno, proc, 0, 0, "cannot list processes: %s", strerror(errno));
	while (rc == 0 && (e = readdir(dir))) {
		pid_t pid;
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || stat_ppid(proc, e->d_name) != (long)getpid())
			continue;
		pid = (pid_t)atol(e->d_name);
		if (kill(pid, SIGKILL) < 0 && errno != ESRCH) {
			rc = aslr_error_set(err, -errno, "cannot kill process %ld left by a probe: %s", (long)pid,
					    strerror(errno));
			break;
		}
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		++*found;
	}
	closedir(dir);
	return rc;
}

int reaper_sweep(const char *proc, unsigned *killed, struct aslr_error *err)
{
	unsigned total = 0, found;
	int rc;

	do {
		rc = sweep_round(proc ? proc : "/proc", &found, err);
		total += found;
	} while (rc == 0 && found > 0);
	if (killed)
		*killed = total;
	return rc;
}
