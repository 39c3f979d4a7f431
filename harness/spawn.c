#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "reaper.h"
#include "record.h"

/* One probe in flight. out_fd is closed (-1) once the pipe hit EOF or overflowed;
 * the slot ends when the pidfd reports the exit. */
struct slot {
	pid_t pid; /* 0: slot free */
	int out_fd;
	int pid_fd;
	double deadline;
	enum probe_outcome forced; /* PROBE_TIMEOUT / PROBE_OVERFLOW once we killed it */
	int killed;
	size_t len;
	char *buf; /* RECORD_MAX_LEN bytes */
};

struct pool {
	const struct spawn_config *cfg;
	struct slot *slots;
	struct pollfd *fds;
	int *fd_slot; /* which slot each pollfd belongs to */
	int null_fd;
	unsigned in_flight;
	uint64_t accepted;
	int finishing; /* a callback said SPAWN_FINISH: start nothing more */
};

static int pidfd_open_pid(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Between vfork and execve: only plain system calls, no memory written but the stack.
 * A session of its own (so a process group of its own, pgid = pid): a probe cannot move
 * into another probe's group (setpgid stays within a session), so killing and reaping
 * one probe's group never touches another probe in flight. */
static void exec_child(const struct spawn_config *cfg, int out_fd, int null_fd)
{
	setsid();
	if (cfg->no_randomize) {
		int persona = personality(0xffffffff);
		if (persona == -1 || personality((unsigned long)persona | ADDR_NO_RANDOMIZE) == -1)
			_exit(126);
	}
	/* raw system calls: they change this task only, never the vforked-from parent's */
	if (cfg->drop_privileges &&
	    (syscall(SYS_setgroups, 0, NULL) < 0 || syscall(SYS_setresgid, cfg->gid, cfg->gid, cfg->gid) < 0 ||
	     syscall(SYS_setresuid, cfg->uid, cfg->uid, cfg->uid) < 0))
		_exit(126);
	if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(null_fd, STDERR_FILENO) < 0)
		_exit(126);
	execve(cfg->path, cfg->argv, cfg->envp);
	_exit(127);
}

static int slot_start(struct pool *pool, struct slot *slot, struct aslr_error *err)
{
	int pipe_fds[2];
	pid_t pid;

	if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return aslr_error_set(err, -errno, "pipe: %s", strerror(errno));
	pid = vfork();
	if (pid == 0)
		exec_child(pool->cfg, pipe_fds[1], pool->null_fd);
	close(pipe_fds[1]);
	if (pid < 0) {
		int e = errno;
		close(pipe_fds[0]);
		return aslr_error_set(err, -e, "vfork: %s", strerror(e));
	}
	slot->pid_fd = pidfd_open_pid(pid);
	if (slot->pid_fd < 0) {
		int e = errno;
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		reaper_reap_group(pid);
		close(pipe_fds[0]);
		return aslr_error_set(err, -e, "pidfd_open: %s", strerror(e));
	}
	slot->pid = pid;
	slot->out_fd = pipe_fds[0];
	slot->len = 0;
	slot->killed = 0;
	slot->deadline = pool->cfg->timeout_sec > 0 ? aslr_now_sec() + pool->cfg->timeout_sec : 0;
	pool->in_flight++;
	return 0;
}

static void slot_kill(struct slot *slot, enum probe_outcome why)
{
	if (!slot->killed) {
		kill(-slot->pid, SIGKILL);
		slot->killed = 1;
		slot->forced = why;
	}
}

static void slot_close_output(struct slot *slot)
{
	if (slot->out_fd >= 0) {
		close(slot->out_fd);
		slot->out_fd = -1;
	}
}

/* Read what the pipe holds now; at RECORD_MAX_LEN bytes the probe is cut off. */
static void slot_read(struct slot *slot)
{
	for (;;) {
		ssize_t n;
		if (slot->len == RECORD_MAX_LEN) {
			slot_kill(slot, PROBE_OVERFLOW);
			slot_close_output(slot);
			return;
		}
		n = read(slot->out_fd, slot->buf + slot->len, RECORD_MAX_LEN - slot->len);
		if (n > 0) {
			slot->len += (size_t)n;
			continue;
		}
		if (n == 0)
			slot_close_output(slot);
		else if (errno == EINTR)
			continue;
		else if (errno != EAGAIN)
			slot_close_output(slot);
		return;
	}
}

/* The probe has exited: reap it, take the rest of its output, kill what it left behind. */
static void slot_finish(struct pool *pool, struct slot *slot, struct probe_result *result)
{
	int status = 0;

	while (waitpid(slot->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (slot->out_fd >= 0)
		slot_read(slot);
	kill(-slot->pid, SIGKILL); /* grandchildren in its group; usually ESRCH */
	reaper_reap_group(slot->pid); /* those we adopted as subreaper: no zombie left */
	slot_close_output(slot);
	close(slot->pid_fd);
	slot->pid = 0;
	pool->in_flight--;

	result->out = slot->buf;
	result->len = slot->len;
	if (slot->killed) {
		result->outcome = slot->forced;
		result->code = SIGKILL;
	} else if (WIFSIGNALED(status)) {
		result->outcome = PROBE_SIGNALED;
		result->code = WTERMSIG(status);
	} else {
		result->outcome = PROBE_EXITED;
		result->code = WEXITSTATUS(status);
	}
}

static int is_in_flight(const struct pool *pool, pid_t pid)
{
	for (unsigned i = 0; i < pool->cfg->jobs; i++)
		if (pool->slots[i].pid == pid)
			return 1;
	return 0;
}

/* Reap exited children that are no probe in flight: what left a probe's group (setsid)
 * and was adopted by us as subreaper. WNOWAIT looks first, so a probe's exit status
 * stays for slot_finish; a probe that has just exited ends the look until next time. */
static void reap_strays(const struct pool *pool)
{
	for (;;) {
		siginfo_t info = { 0 };
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid == 0 ||
		    is_in_flight(pool, info.si_pid))
			return;
		waitpid(info.si_pid, NULL, WNOHANG);
	}
}

static void kill_all(struct pool *pool)
{
	struct probe_result ignored;

	for (unsigned i = 0; i < pool->cfg->jobs; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->pid) {
			slot_kill(slot, PROBE_TIMEOUT);
			slot_finish(pool, slot, &ignored);
		}
	}
}

/* Build the poll set; returns the number of entries and the poll timeout in ms. */
static nfds_t build_poll_set(struct pool *pool, int *timeout_ms)
{
	double now = 0, soonest = 0;
	nfds_t n = 0;

	if (pool->cfg->timeout_sec > 0)
		now = aslr_now_sec();
	for (unsigned i = 0; i < pool->cfg->jobs; i++) {
		struct slot *slot = &pool->slots[i];
		if (!slot->pid)
			continue;
		if (slot->out_fd >= 0) {
			pool->fds[n] = (struct pollfd){ .fd = slot->out_fd, .events = POLLIN };
			pool->fd_slot[n++] = (int)i;
		}
		pool->fds[n] = (struct pollfd){ .fd = slot->pid_fd, .events = POLLIN };
		pool->fd_slot[n++] = (int)i;
		if (slot->deadline > 0 && !slot->killed) {
			if (slot->deadline <= now)
				slot_kill(slot, PROBE_TIMEOUT);
			else if (soonest == 0 || slot->deadline < soonest)
				soonest = slot->deadline;
		}
	}
	*timeout_ms = soonest > 0 ? (int)((soonest - now) * 1000.0) + 1 : -1;
	return n;
}

static int launch_needed(struct pool *pool, struct aslr_error *err)
{
	for (unsigned i = 0; i < pool->cfg->jobs; i++) {
		if (pool->accepted + pool->in_flight >= pool->cfg->target || pool->finishing || *pool->cfg->stop)
			return 0;
		if (!pool->slots[i].pid) {
			int rc = slot_start(pool, &pool->slots[i], err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Handle what poll reported; finished execs go to the callback. */
static int handle_events(struct pool *pool, nfds_t n, spawn_result_fn on_result, void *ctx)
{
	for (nfds_t k = 0; k < n; k++) {
		struct slot *slot = &pool->slots[pool->fd_slot[k]];
		struct probe_result result;
		int rc;

		if (!pool->fds[k].revents || !slot->pid)
			continue;
		if (pool->fds[k].fd == slot->out_fd) {
			slot_read(slot);
			continue;
		}
		slot_finish(pool, slot, &result);
		rc = on_result(ctx, &result);
		if (rc < 0)
			return rc;
		if (rc & SPAWN_ACCEPTED)
			pool->accepted++;
		if (rc & SPAWN_FINISH)
			pool->finishing = 1;
	}
	return 0;
}

static int pool_loop(struct pool *pool, spawn_result_fn on_result, void *ctx, struct aslr_error *err)
{
	for (;;) {
		int timeout_ms, rc;
		nfds_t n;

		rc = launch_needed(pool, err);
		if (rc < 0)
			return rc;
		if (*pool->cfg->stop)
			return SPAWN_STOPPED;
		if (pool->in_flight == 0)
			return SPAWN_DONE;
		n = build_poll_set(pool, &timeout_ms);
		if (poll(pool->fds, n, timeout_ms) < 0) {
			if (errno == EINTR)
				continue;
			return aslr_error_set(err, -errno, "poll: %s", strerror(errno));
		}
		rc = handle_events(pool, n, on_result, ctx);
		if (rc < 0)
			return rc;
		reap_strays(pool);
	}
}

int spawn_run(const struct spawn_config *cfg, spawn_result_fn on_result, void *ctx,
	      struct aslr_error *err)
{
	struct pool pool = { .cfg = cfg, .null_fd = -1 };
	char *buffers = NULL;
	int rc;

	if (cfg->jobs == 0)
		return aslr_error_set(err, -EINVAL, "jobs must be at least 1");
	pool.slots = calloc(cfg->jobs, sizeof(*pool.slots));
	pool.fds = calloc(2 * (size_t)cfg->jobs, sizeof(*pool.fds));
	pool.fd_slot = calloc(2 * (size_t)cfg->jobs, sizeof(*pool.fd_slot));
	buffers = malloc((size_t)cfg->jobs * RECORD_MAX_LEN);
	if (!pool.slots || !pool.fds || !pool.fd_slot || !buffers) {
		rc = aslr_error_set(err, -ENOMEM, "out of memory");
		goto out_free;
	}
	for (unsigned i = 0; i < cfg->jobs; i++)
		pool.slots[i].buf = buffers + (size_t)i * RECORD_MAX_LEN;
	pool.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (pool.null_fd < 0) {
		rc = aslr_error_set(err, -errno, "/dev/null: %s", strerror(errno));
		goto out_free;
	}
	rc = pool_loop(&pool, on_result, ctx, err);
	kill_all(&pool);
	close(pool.null_fd);
out_free:
	free(buffers);
	free(pool.fd_slot);
	free(pool.fds);
	free(pool.slots);
	return rc;
}
