#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "rawsys.h"
#include "reaper.h"
#include "record.h"
#include "trace.h"

/* One program in flight. out_fd is closed (-1) once the pipe hit EOF or overflowed;
 * the slot ends when its exit is reaped: the pidfd reports it, or, traced, SIGCHLD. */
struct slot {
	pid_t pid; /* 0: slot free */
	int out_fd;
	int pid_fd; /* -1 when traced */
	double deadline;
	enum probe_outcome forced; /* PROBE_TIMEOUT / PROBE_OVERFLOW once we killed it */
	int killed;
	int delivered; /* its result went to the callback (traced: before it was reaped) */
	size_t len;
	char *buf; /* RECORD_MAX_LEN bytes */
	volatile int child_errno;         /* written by the child when a step before exec failed */
	const char *volatile child_step;  /* that step (a string literal); NULL when exec succeeded */
	char *stack;                      /* the child's until it execs or ends (SPAWN_CHILD_STACK) */
	struct pool *pool;                /* for the child: its pool and stdout's pipe end */
	int child_out_fd;
	struct trace_child trace;
};

struct pool {
	const struct spawn_config *cfg;
	spawn_result_fn on_result;
	void *ctx;
	struct slot *slots;
	unsigned slot_count; /* cfg->jobs; twice that traced, for those killed and not reaped yet */
	struct pollfd *fds;
	int *fd_slot; /* which slot each pollfd belongs to; -1 for the signalfd */
	int null_fd;
	int sig_fd;   /* traced: SIGCHLD, blocked while the pool runs */
	sigset_t old_mask;
	sigset_t child_mask; /* the mask each program starts with: the caller's (traced: old_mask) */
	uint64_t handled;    /* signals with a handler when the pool opened (bit sig - 1) */
	pid_t self;
	unsigned in_flight; /* slots holding a process */
	unsigned pending;   /* of those, how many have not delivered their result yet */
	uint64_t accepted;
	struct trace_io io; /* traced: the layout read at an entry point */
	int finishing; /* a callback said SPAWN_FINISH: start nothing more */
};

static int pidfd_open_pid(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* The child's stack, below it one page that faults (mmap'd once per slot). */
enum { SPAWN_CHILD_STACK = 64 * 1024, SPAWN_GUARD = 4096 };

/* In the child: say which step failed and why, in the harness's memory (the child shares it
 * until it execs), and end. */
RAWSYS_CHILD static void child_failed(struct slot *slot, const char *step, long rc)
{
	slot->child_errno = (int)-rc;
	slot->child_step = step;
	for (;;)
		rawsys(SYS_exit_group, 127, 0, 0, 0);
}

/* The kernel's struct sigaction for rt_sigaction (x86-64 and the generic layout). */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/* In the child, before it unblocks any signal: the caller's handlers back to SIG_DFL. A
 * handler would run on the child's stack with the harness's memory and thread pointer (as
 * posix_spawn's child, this one resets them; execve would, too late). */
RAWSYS_CHILD static void reset_handlers(uint64_t handled)
{
	struct kernel_sigaction dfl = { .handler = SIG_DFL };

	for (int sig = 1; handled; sig++, handled >>= 1)
		if (handled & 1)
			rawsys(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
}

/* Between clone (or vfork) and execve the child shares the harness's memory and thread
 * pointer: raw system calls only (rawsys.h), nothing written but its own stack and, on
 * failure, the slot's report. A process group of its own (pgid = pid), killed
 * and reaped when the probe ends. Not a session of its own: with the scheduler's
 * autogroups (CONFIG_SCHED_AUTOGROUP, on in Debian's kernels) every session is a task
 * group of its own, and a new one per exec cost 10 % of the traced rate (docs/reaping.md).
 * A process can join another group only of its own session, and only itself or its own
 * children: what a probe moves into another probe's group is a stray of its own making,
 * killed with that group; no probe in flight can be moved. */
RAWSYS_CHILD static void exec_child(struct pool *pool, struct slot *slot, int out_fd)
{
	const struct spawn_config *cfg = pool->cfg;
	const char *step = NULL;
	long rc;
	int e;

	reset_handlers(pool->handled);
	rawsys(SYS_rt_sigprocmask, SIG_SETMASK, &pool->child_mask, NULL, (size_t)(_NSIG / 8));
	rawsys(SYS_setpgid, 0, 0, 0, 0);
	if (cfg->no_randomize) {
		long persona = rawsys(SYS_personality, 0xffffffff, 0, 0, 0);
		if (persona < 0 ||
		    (rc = rawsys(SYS_personality, (unsigned long)persona | ADDR_NO_RANDOMIZE, 0, 0, 0)) < 0)
			child_failed(slot, "personality", persona < 0 ? persona : rc);
	}
	if (cfg->drop_privileges &&
	    ((rc = rawsys(SYS_setgroups, 0, NULL, 0, 0)) < 0 ||
	     (rc = rawsys(SYS_setresgid, cfg->gid, cfg->gid, cfg->gid, 0)) < 0 ||
	     (rc = rawsys(SYS_setresuid, cfg->uid, cfg->uid, cfg->uid, 0)) < 0))
		child_failed(slot, "dropping privileges", rc);
	if (cfg->traced) {
		e = trace_child_prepare(pool->self, &step);
		if (e)
			child_failed(slot, step, -e);
	}
	if (out_fd < 0)
		out_fd = pool->null_fd;
	if ((rc = rawsys(SYS_dup2, pool->null_fd, STDIN_FILENO, 0, 0)) < 0 ||
	    (rc = rawsys(SYS_dup2, cfg->traced ? pool->null_fd : out_fd, STDOUT_FILENO, 0, 0)) < 0 ||
	    (rc = rawsys(SYS_dup2, cfg->traced ? out_fd : pool->null_fd, STDERR_FILENO, 0, 0)) < 0)
		child_failed(slot, "dup2", rc);
	rc = rawsys(SYS_execve, cfg->path, cfg->argv, cfg->envp, 0);
	child_failed(slot, "execve", rc);
}

#if RAWSYS_CLONE
RAWSYS_CHILD static int clone_child(void *arg)
{
	struct slot *slot = arg;

	exec_child(slot->pool, slot, slot->child_out_fd);
	return 127;
}
#endif

/* Start the child of slot: with clone(CLONE_VM) on its own stack where the system calls it
 * needs are raw (the harness goes on at once: a vfork'ing harness waits through each child's
 * set-up and the first half of its execve, and the children stopped at their entry points
 * wait with it: 0.80 of a bare loop's rate at most, against 0.95 without the wait, measured
 * with aslr-traced-loop), else with vfork. The pid, or -1 with errno. */
static pid_t launch(struct pool *pool, struct slot *slot, int out_fd)
{
	sigset_t all, saved;
	pid_t pid;
	int e;

	/* every signal blocked until the child has reset the handlers (exec_child) */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &saved);
#if RAWSYS_CLONE
	slot->pool = pool;
	slot->child_out_fd = out_fd;
	pid = clone(clone_child, slot->stack + SPAWN_GUARD + SPAWN_CHILD_STACK, CLONE_VM | SIGCHLD, slot);
#else
	pid = vfork();
	if (pid == 0)
		exec_child(pool, slot, out_fd);
#endif
	e = errno;
	sigprocmask(SIG_SETMASK, &saved, NULL);
	errno = e;
	return pid;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

static int slot_start(struct pool *pool, struct slot *slot, struct aslr_error *err)
{
	int pipe_fds[2] = { -1, -1 };
	pid_t pid;

	if ((!pool->cfg->traced || pool->cfg->capture_stderr) && pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return aslr_error_set(err, -errno, "pipe: %s", strerror(errno));
	slot->child_step = NULL;
	slot->child_errno = 0;
	pid = launch(pool, slot, pipe_fds[1]);
	close_fd(pipe_fds[1]); /* the child has a copy of the descriptor table */
	if (pid < 0) {
		int e = errno;
		close_fd(pipe_fds[0]);
		return aslr_error_set(err, -e, "%s: %s", RAWSYS_CLONE ? "clone" : "vfork", strerror(e));
	}
	/* The group exists before any kill of it: a cloned child may not have run its own
	 * setpgid yet, and a kill(-pid) then would miss it (a traced one would stop at its exec
	 * with nobody to end it). Both calls do the same; whichever comes second fails, harmlessly
	 * (EACCES once the child has exec'd). */
	setpgid(pid, pid);
	slot->pid_fd = pool->cfg->traced ? -1 : pidfd_open_pid(pid);
	if (!pool->cfg->traced && slot->pid_fd < 0) {
		int e = errno;
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		reaper_reap_group(pid);
		close_fd(pipe_fds[0]);
		return aslr_error_set(err, -e, "pidfd_open: %s", strerror(e));
	}
	trace_child_init(&slot->trace, pid, pool->cfg->elf_class ? pool->cfg->elf_class : 64);
	slot->pid = pid;
	slot->out_fd = pipe_fds[0];
	slot->len = 0;
	slot->killed = 0;
	slot->delivered = 0;
	slot->deadline = pool->cfg->timeout_sec > 0 ? aslr_now_sec() + pool->cfg->timeout_sec : 0;
	pool->in_flight++;
	pool->pending++;
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
	close_fd(slot->out_fd);
	slot->out_fd = -1;
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

/* The process was reaped: take the rest of its output, kill what it left behind in its
 * group, free the slot (its buffer keeps the output until the slot starts again). */
static void slot_release(struct pool *pool, struct slot *slot)
{
	if (slot->out_fd >= 0)
		slot_read(slot);
	/* A traced child's group was killed at its entry point (no process can join a group
	 * a group-wide SIGKILL is on its way to), and what is left of it, adopted by us as
	 * subreaper, is reaped when its SIGCHLD comes (on_sigchld). Otherwise: grandchildren
	 * in its group (usually ESRCH), reaped here so that no zombie is left. */
	if (!(pool->cfg->traced && slot->killed)) {
		kill(-slot->pid, SIGKILL);
		reaper_reap_group(slot->pid);
	}
	slot_close_output(slot);
	close_fd(slot->pid_fd);
	slot->pid_fd = -1;
	slot->pid = 0;
	pool->in_flight--;
}

/* What an exec that ended without a result of its own came to. */
static void exit_result(const struct pool *pool, const struct slot *slot, int status, struct probe_result *result)
{
	*result = (struct probe_result){ .out = slot->buf, .len = slot->len, .before_entry = pool->cfg->traced };
	if (slot->child_step) {
		result->outcome = PROBE_EXEC_FAILED;
		result->code = slot->child_errno;
		result->out = slot->child_step;
		result->len = strlen(slot->child_step);
	} else if (slot->killed) {
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

static int deliver(struct pool *pool, struct slot *slot, const struct probe_result *result)
{
	int rc = pool->on_result(pool->ctx, result);

	slot->delivered = 1;
	pool->pending--;
	if (rc < 0)
		return rc;
	if (rc & SPAWN_ACCEPTED)
		pool->accepted++;
	if (rc & SPAWN_FINISH)
		pool->finishing = 1;
	return 0;
}

/* Its pidfd says the probe exited: reap it and hand over what it did. */
static int slot_finish(struct pool *pool, struct slot *slot)
{
	struct probe_result result;
	int status = 0;

	while (waitpid(slot->pid, &status, 0) < 0 && errno == EINTR)
		;
	slot_release(pool, slot);
	exit_result(pool, slot, status, &result);
	return deliver(pool, slot, &result);
}

/* A traced child stopped: step it on; at its entry point read its layout, hand it over
 * and kill it (it is reaped later, with no second result). */
static int traced_stop(struct pool *pool, struct slot *slot, int status)
{
	struct aslr_error err = { 0 };
	struct probe_result result = { .outcome = PROBE_EXITED, .out = slot->buf };
	int rc;

	if (slot->killed)
		return 0; /* SIGKILL is on its way */
	rc = trace_on_stop(&slot->trace, status, &pool->io, &err);
	if (rc == TRACE_RUNNING)
		return 0;
	if (rc == TRACE_AT_ENTRY)
		rc = trace_collect(&slot->trace, &pool->io, &err);
	kill(-slot->pid, SIGKILL);
	slot->killed = 1;
	if (rc == 0) {
		result.record = &pool->io.layout.rec;
	} else {
		aslr_error_format(&err, slot->buf, RECORD_MAX_LEN);
		result = (struct probe_result){ PROBE_TRACE_FAILED, -rc, slot->buf, strlen(slot->buf), 0, NULL };
	}
	return deliver(pool, slot, &result);
}

/* One status of a traced child, waited for: a stop, or its end. */
static int traced_event(struct pool *pool, struct slot *slot, int status)
{
	struct probe_result result;

	if (WIFSTOPPED(status))
		return traced_stop(pool, slot, status);
	slot_release(pool, slot);
	if (slot->delivered)
		return 0;
	exit_result(pool, slot, status, &result);
	return deliver(pool, slot, &result);
}

static struct slot *slot_of(struct pool *pool, pid_t pid)
{
	for (unsigned i = 0; i < pool->slot_count; i++)
		if (pool->slots[i].pid == pid)
			return &pool->slots[i];
	return NULL;
}

static int is_in_flight(const struct pool *pool, pid_t pid)
{
	return slot_of((struct pool *)(uintptr_t)pool, pid) != NULL;
}

/* SIGCHLD: one signal may stand for many children. Every child of a traced pool is
 * traced (no pidfds), so whatever waitpid names is either a slot's stop or end, or a
 * stray we adopted as subreaper, reaped by that same call; a tracee's stops are reported
 * to its tracer without WUNTRACED. */
static int on_sigchld(struct pool *pool)
{
	struct signalfd_siginfo sig[8];

	/* one read drains it: a standard signal is pending once at the most */
	if (read(pool->sig_fd, sig, sizeof(sig)) < 0 && errno != EAGAIN)
		return 0;
	for (;;) {
		struct slot *slot;
		int status = 0, rc;
		pid_t r = waitpid(-1, &status, WNOHANG | __WALL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0; /* none has news, or no child at all (ECHILD) */
		slot = slot_of(pool, r);
		if (!slot)
			continue; /* a stray: reaped */
		rc = traced_event(pool, slot, status);
		if (rc < 0)
			return rc;
	}
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

/* Kill and reap every child still in flight; their results are not delivered. */
static void kill_all(struct pool *pool)
{
	for (unsigned i = 0; pool->slots && i < pool->slot_count; i++) {
		struct slot *slot = &pool->slots[i];
		pid_t pid = slot->pid;
		int status;
		if (!pid)
			continue;
		slot_kill(slot, PROBE_TIMEOUT);
		/* a traced child may report a stop first; SIGKILL ends it all the same */
		while (waitpid(pid, &status, __WALL) < 0 ? errno == EINTR : WIFSTOPPED(status))
			;
		slot_release(pool, slot);
		if (pool->cfg->traced) /* slot_release left the group to SIGCHLD, read no more */
			reaper_reap_group(pid);
	}
}

static void poll_add(struct pool *pool, nfds_t *n, int fd, int slot)
{
	pool->fds[*n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	pool->fd_slot[(*n)++] = slot;
}

/* Build the poll set; returns the number of entries and the poll timeout in ms. */
static nfds_t build_poll_set(struct pool *pool, int *timeout_ms)
{
	double now = 0, soonest = 0;
	nfds_t n = 0;

	if (pool->cfg->timeout_sec > 0)
		now = aslr_now_sec();
	for (unsigned i = 0; i < pool->slot_count; i++) {
		struct slot *slot = &pool->slots[i];
		if (!slot->pid)
			continue;
		if (slot->out_fd >= 0)
			poll_add(pool, &n, slot->out_fd, (int)i);
		if (slot->pid_fd >= 0)
			poll_add(pool, &n, slot->pid_fd, (int)i);
		if (slot->deadline > 0 && !slot->killed) {
			if (slot->deadline <= now)
				slot_kill(slot, PROBE_TIMEOUT);
			else if (soonest == 0 || slot->deadline < soonest)
				soonest = slot->deadline;
		}
	}
	if (pool->sig_fd >= 0)
		poll_add(pool, &n, pool->sig_fd, -1);
	*timeout_ms = soonest > 0 ? (int)((soonest - now) * 1000.0) + 1 : -1;
	return n;
}

/* Keep cfg->jobs programs going: a traced one that delivered its result and is being
 * killed no longer counts, so its slot's successor starts before it is reaped. */
static int launch_needed(struct pool *pool, struct aslr_error *err)
{
	for (unsigned i = 0; i < pool->slot_count; i++) {
		if (pool->accepted + pool->pending >= pool->cfg->target || pool->pending >= pool->cfg->jobs ||
		    pool->finishing || *pool->cfg->stop)
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
static int handle_events(struct pool *pool, nfds_t n)
{
	for (nfds_t k = 0; k < n; k++) {
		struct slot *slot = pool->fd_slot[k] >= 0 ? &pool->slots[pool->fd_slot[k]] : NULL;
		int rc = 0;

		if (!pool->fds[k].revents || (slot && !slot->pid))
			continue;
		if (!slot)
			rc = on_sigchld(pool);
		else if (pool->fds[k].fd == slot->out_fd)
			slot_read(slot);
		else if (pool->fds[k].fd == slot->pid_fd)
			rc = slot_finish(pool, slot);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int pool_loop(struct pool *pool, struct aslr_error *err)
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
		rc = handle_events(pool, n);
		if (rc < 0)
			return rc;
		if (!pool->cfg->traced) /* traced: on_sigchld reaps strays with the rest */
			reap_strays(pool);
	}
}

/* Traced: SIGCHLD blocked and read from a signalfd (the child unblocks it before execve). */
static int watch_children(struct pool *pool, struct aslr_error *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &pool->old_mask) < 0)
		return aslr_error_set(err, -errno, "sigprocmask: %s", strerror(errno));
	pool->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (pool->sig_fd < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &pool->old_mask, NULL);
		return aslr_error_set(err, -e, "signalfd: %s", strerror(e));
	}
	return 0;
}

static void unwatch_children(struct pool *pool)
{
	if (pool->sig_fd < 0)
		return;
	close(pool->sig_fd);
	sigprocmask(SIG_SETMASK, &pool->old_mask, NULL);
}

/* The slot's child stack with a guard page below it (NULL when there is none). */
static int slot_stack_open(struct slot *slot, struct aslr_error *err)
{
	char *stack = mmap(NULL, SPAWN_GUARD + SPAWN_CHILD_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	if (stack == MAP_FAILED)
		return aslr_error_set(err, -errno, "a child's stack: %s", strerror(errno));
	if (mprotect(stack, SPAWN_GUARD, PROT_NONE) < 0) {
		int e = errno;
		munmap(stack, SPAWN_GUARD + SPAWN_CHILD_STACK);
		return aslr_error_set(err, -e, "a child's stack: %s", strerror(e));
	}
	slot->stack = stack;
	return 0;
}

/* The signals that have a handler now, bit sig - 1 (signals 1 to 64). */
static uint64_t handled_signals(void)
{
	uint64_t handled = 0;

	for (int sig = 1; sig < _NSIG && sig <= 64; sig++) {
		struct sigaction sa;
		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
			handled |= UINT64_C(1) << (sig - 1);
	}
	return handled;
}

static int pool_open(struct pool *pool, struct aslr_error *err)
{
	int rc;
	unsigned slots = pool->cfg->jobs * (pool->cfg->traced ? 2 : 1); /* traced: room for the dying */

	pool->slot_count = slots;
	pool->slots = calloc(slots, sizeof(*pool->slots));
	pool->fds = calloc(2 * (size_t)slots + 1, sizeof(*pool->fds));
	pool->fd_slot = calloc(2 * (size_t)slots + 1, sizeof(*pool->fd_slot));
	if (!pool->slots || !pool->fds || !pool->fd_slot)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	for (unsigned i = 0; i < slots; i++) {
		pool->slots[i].buf = malloc(RECORD_MAX_LEN);
		pool->slots[i].pid_fd = -1;
		if (!pool->slots[i].buf)
			return aslr_error_set(err, -ENOMEM, "out of memory");
		if (RAWSYS_CLONE) {
			rc = slot_stack_open(&pool->slots[i], err);
			if (rc < 0)
				return rc;
		}
	}
	pool->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (pool->null_fd < 0)
		return aslr_error_set(err, -errno, "/dev/null: %s", strerror(errno));
	pool->handled = handled_signals();
	sigprocmask(SIG_SETMASK, NULL, &pool->child_mask);
	if (!pool->cfg->traced)
		return 0;
	rc = watch_children(pool, err);
	pool->child_mask = pool->old_mask;
	return rc;
}

static void pool_close(struct pool *pool)
{
	kill_all(pool);
	unwatch_children(pool);
	if (pool->null_fd >= 0)
		close(pool->null_fd);
	for (unsigned i = 0; pool->slots && i < pool->slot_count; i++) {
		free(pool->slots[i].buf);
		if (pool->slots[i].stack)
			munmap(pool->slots[i].stack, SPAWN_GUARD + SPAWN_CHILD_STACK);
	}
	free(pool->fd_slot);
	free(pool->fds);
	free(pool->slots);
	trace_io_free(&pool->io);
}

int spawn_run(const struct spawn_config *cfg, spawn_result_fn on_result, void *ctx,
	      struct aslr_error *err)
{
	struct pool pool = { .cfg = cfg, .on_result = on_result, .ctx = ctx, .null_fd = -1, .sig_fd = -1,
			     .self = getpid() };
	int rc;

	if (cfg->jobs == 0)
		return aslr_error_set(err, -EINVAL, "jobs must be at least 1");
	rc = pool_open(&pool, err);
	if (rc == 0)
		rc = pool_loop(&pool, err);
	pool_close(&pool);
	return rc;
}
