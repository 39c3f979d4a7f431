#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic_file.h"
#include "sysctl.h"

static int holder_pid(int fd)
{
	char buf[32] = { 0 };
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	return n > 0 ? atoi(buf) : 0;
}

static void record_holder(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) < 0)
		return; /* the pid is informational only */
}

static int lock_busy(int fd, const char *lock_path, struct aslr_error *err)
{
	int pid = holder_pid(fd);

	close(fd);
	return aslr_error_at(err, -EBUSY, lock_path, 0, 0,
			     "another aslr-harness (pid %d) is running and may change kernel "
			     "settings; wait for it to finish",
			     pid);
}

static int take_lock(const char *lock_path, int how, int *out_fd, struct aslr_error *err)
{
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0 && how == LOCK_SH)
		fd = open(lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (how == LOCK_SH) {
			*out_fd = -1;
			return 0;
		}
		return aslr_error_at(err, -errno, lock_path, 0, 0, "cannot open the lock file: %s",
				     strerror(errno));
	}
	if (flock(fd, how | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return lock_busy(fd, lock_path, err);
		aslr_error_at(err, -errno, lock_path, 0, 0, "flock: %s", strerror(errno));
		close(fd);
		return -EIO;
	}
	record_holder(fd);
	*out_fd = fd;
	return 0;
}

int guard_lock_shared(const char *lock_path, int *fd, struct aslr_error *err)
{
	return take_lock(lock_path ? lock_path : GUARD_LOCK_PATH, LOCK_SH, fd, err);
}

/* What the guardian does once the harness is gone: every knob back to its original. */
static void guard_restore_knobs(const struct guard_knob *knobs, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		int now;
		if (sysctl_read_int(knobs[i].path, &now, NULL) == 0 && now == knobs[i].original)
			continue;
		sysctl_write_int(knobs[i].path, knobs[i].original, NULL);
	}
}

static void close_all_but(int keep_a, int keep_b)
{
	int lo = keep_a < keep_b ? keep_a : keep_b, hi = keep_a < keep_b ? keep_b : keep_a;
	int null_fd = open("/dev/null", O_RDWR);

	for (int fd = 0; fd < 3; fd++)
		if (null_fd >= 0 && fd != lo && fd != hi)
			dup2(null_fd, fd);
	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

static void guardian_main(struct sysctl_guard *guard, int read_fd)
{
	char c;
	ssize_t n;

	setsid(); /* out of the terminal's process group: Ctrl-C and hangups miss it */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_NAME, "aslr-guardian");
	close_all_but(read_fd, guard->lock_fd);
	do
		n = read(read_fd, &c, 1);
	while (n > 0 || (n < 0 && errno == EINTR));
	guard_restore_knobs(guard->knobs, guard->knob_count);
	_exit(0);
}

static int start_guardian(struct sysctl_guard *guard, struct aslr_error *err)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return aslr_error_set(err, -errno, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return aslr_error_set(err, -e, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(fds[1]);
		guardian_main(guard, fds[0]);
	}
	close(fds[0]);
	guard->guardian = pid;
	guard->pipe_fd = fds[1];
	return 0;
}

int guard_begin(struct sysctl_guard *guard, const char *lock_path, const char *const *paths,
		unsigned count, struct aslr_error *err)
{
	int rc;

	memset(guard, 0, sizeof(*guard));
	guard->lock_fd = guard->pipe_fd = -1;
	if (count > GUARD_MAX_KNOBS)
		return aslr_error_set(err, -EINVAL, "too many knobs");
	rc = take_lock(lock_path ? lock_path : GUARD_LOCK_PATH, LOCK_EX, &guard->lock_fd, err);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < count; i++) {
		snprintf(guard->knobs[i].path, sizeof(guard->knobs[i].path), "%s", paths[i]);
		rc = sysctl_read_int(paths[i], &guard->knobs[i].original, err);
		if (rc < 0)
			goto out_unlock;
	}
	guard->knob_count = count;
	rc = start_guardian(guard, err);
	if (rc == 0)
		return 0;
out_unlock:
	close(guard->lock_fd);
	guard->lock_fd = -1;
	guard->knob_count = 0;
	return rc;
}

int guard_set(struct sysctl_guard *guard, unsigned knob, int value, struct aslr_error *err)
{
	if (knob >= guard->knob_count || guard->pipe_fd < 0)
		return aslr_error_set(err, -EINVAL, "knob %u is not guarded", knob);
	return sysctl_write_int(guard->knobs[knob].path, value, err);
}

int guard_restore(struct sysctl_guard *guard, struct aslr_error *err)
{
	int rc = 0;

	for (unsigned i = 0; i < guard->knob_count; i++) {
		int now = 0, r = sysctl_read_int(guard->knobs[i].path, &now, err);
		if (r == 0 && now == guard->knobs[i].original)
			continue;
		r = sysctl_write_int(guard->knobs[i].path, guard->knobs[i].original, err);
		if (r < 0 && rc == 0)
			rc = r;
	}
	return rc;
}

int guard_end(struct sysctl_guard *guard, struct aslr_error *err)
{
	int rc = guard_restore(guard, err);

	if (guard->pipe_fd >= 0) {
		close(guard->pipe_fd);
		guard->pipe_fd = -1;
		while (waitpid(guard->guardian, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (guard->lock_fd >= 0) {
		close(guard->lock_fd);
		guard->lock_fd = -1;
	}
	guard->knob_count = 0;
	return rc;
}
