#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic_file.h"
#include "clock.h"
#include "frame.h"
#include "spawn.h"

enum { CONSOLE_KEEP = 16 * 1024, QEMU_OUTPUT_KEEP = 8 * 1024, QEMU_CONSOLE_FD = 3, QEMU_DATA_FD = 4 };
enum { PIPE_CONSOLE, PIPE_DATA, PIPE_OUTPUT, PIPE_COUNT };

static char env_path[] = "PATH=/usr/bin:/bin";
static char env_locale[] = "LC_ALL=C";
static char *const qemu_env[] = { env_path, env_locale, NULL };

struct vm_state {
	const struct vm_config *cfg;
	struct vm_result *res;
	pid_t pid;
	int pid_fd;
	int fd[PIPE_COUNT];        /* read ends; -1 at EOF */
	int log_fd;
	struct frame_reader reader;
	double started, deadline, hello_at;
	int exited, status, killed;
	struct progress progress;
	struct aslr_error frame_err; /* a frame callback's error */
};

/* In the child: QEMU's descriptors in place, a group of its own, death with the harness. */
static _Noreturn void exec_qemu(char **argv, const int write_end[PIPE_COUNT], pid_t parent)
{
	int null_fd = open("/dev/null", O_RDONLY);
	int high[PIPE_COUNT];

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the harness died before prctl: nobody to report to */
		_exit(125);
	for (int i = 0; i < PIPE_COUNT; i++) /* out of the way of 0..4 first */
		high[i] = fcntl(write_end[i], F_DUPFD, 10);
	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(high[PIPE_OUTPUT], STDOUT_FILENO) < 0 ||
	    dup2(high[PIPE_OUTPUT], STDERR_FILENO) < 0 || dup2(high[PIPE_CONSOLE], QEMU_CONSOLE_FD) < 0 ||
	    dup2(high[PIPE_DATA], QEMU_DATA_FD) < 0)
		_exit(126);
	syscall(SYS_close_range, QEMU_DATA_FD + 1, ~0U, 0);
	execve(argv[0], argv, qemu_env);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int start_qemu(struct vm_state *st, struct aslr_error *err)
{
	int write_end[PIPE_COUNT], p[2], rc = 0;
	pid_t parent = getpid();

	for (int i = 0; i < PIPE_COUNT; i++) {
		write_end[i] = -1;
		if (rc == 0 && pipe2(p, O_CLOEXEC) < 0)
			rc = aslr_error_set(err, -errno, "pipe: %s", strerror(errno));
		if (rc == 0) {
			st->fd[i] = p[0];
			write_end[i] = p[1];
			fcntl(p[0], F_SETFL, O_NONBLOCK);
		}
	}
	if (rc == 0) {
		st->started = aslr_now_sec();
		st->pid = fork();
		if (st->pid == 0)
			exec_qemu(st->res->argv, write_end, parent);
		if (st->pid < 0)
			rc = aslr_error_set(err, -errno, "fork: %s", strerror(errno));
		else
			setpgid(st->pid, st->pid); /* also here: kill(-pid) works from the first moment */
	}
	for (int i = 0; i < PIPE_COUNT; i++)
		if (write_end[i] >= 0)
			close(write_end[i]);
	if (rc == 0 && (st->pid_fd = (int)syscall(SYS_pidfd_open, st->pid, 0)) < 0)
		rc = aslr_error_set(err, -errno, "pidfd_open: %s", strerror(errno));
	return rc;
}

/* Kill QEMU's group and reap it; idempotent. */
static void stop_qemu(struct vm_state *st)
{
	if (st->pid > 0 && !st->exited) {
		kill(-st->pid, SIGKILL);
		kill(st->pid, SIGKILL);
		waitpid(st->pid, &st->status, 0);
		st->exited = 1;
		st->killed = 1;
	}
}

/* Keep a buffer's last keep bytes or more (it is cut at twice that). */
static void keep_tail(struct strbuf *sb, const char *buf, size_t len, size_t keep)
{
	strbuf_append(sb, buf, len);
	if (sb->len > 2 * keep) {
		memmove(sb->text, sb->text + sb->len - keep, keep + 1);
		sb->len = keep;
	}
}

static void store(struct strbuf *sb, const struct frame *f)
{
	sb->len = 0;
	strbuf_append(sb, (const char *)f->data, f->len);
}

static int on_hello(struct vm_state *st, const struct frame *f, struct aslr_error *err)
{
	json_error_t jerr;

	json_decref(st->res->hello);
	st->res->hello = json_loadb((const char *)f->data, f->len, 0, &jerr);
	if (!json_is_object(st->res->hello))
		return aslr_error_set(err, -EBADMSG, "the guest's hello is not a JSON object: %s", jerr.text);
	st->hello_at = aslr_now_sec();
	st->res->boot_sec = st->hello_at - st->started;
	progress_begin(&st->progress, st->cfg->progress, st->cfg->label, st->cfg->expect_rows);
	return 0;
}

/* A short frame's payload as a string. */
static void frame_text(const struct frame *f, char *buf, size_t size)
{
	size_t n = f->len < size - 1 ? f->len : size - 1;

	memcpy(buf, f->data, n);
	buf[n] = '\0';
}

static int on_frame(void *ctx, const struct frame *f)
{
	struct vm_state *st = ctx;
	struct vm_result *res = st->res;
	char text[64];

	if (strcmp(f->type, "hello") == 0)
		return on_hello(st, f, &st->frame_err);
	if (strcmp(f->type, "alive") == 0) {
		frame_text(f, text, sizeof(text));
		res->rows = strtoull(text, NULL, 10);
		progress_update(&st->progress, res->rows, aslr_now_sec());
	} else if (strcmp(f->type, "file") == 0 && strcmp(f->name, "run.json") == 0) {
		store(&res->run_json, f);
		res->have_run_json = 1;
	} else if (strcmp(f->type, "file") == 0 && strcmp(f->name, "samples.csv") == 0) {
		store(&res->samples_csv, f);
		res->have_samples = 1;
	} else if (strcmp(f->type, "bench") == 0) {
		store(strcmp(f->name, "before") == 0 ? &res->bench_before : &res->bench_after, f);
	} else if (strcmp(f->type, "log") == 0) {
		store(&res->log, f);
	} else if (strcmp(f->type, "done") == 0) {
		frame_text(f, text, sizeof(text));
		res->done = 1;
		res->guest_status = atoi(text);
		res->run_sec = aslr_now_sec() - st->hello_at;
		progress_end(&st->progress);
	}
	return 0;
}

/* What a pipe has now. 1 when something was read, 0 when nothing, -1 at EOF. */
static int read_pipe(struct vm_state *st, int which, int *frame_rc)
{
	char buf[65536];
	ssize_t n = read(st->fd[which], buf, sizeof(buf));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	if (which == PIPE_CONSOLE) {
		if (st->log_fd >= 0)
			aslr_write_all(st->log_fd, buf, (size_t)n);
		keep_tail(&st->res->console, buf, (size_t)n, CONSOLE_KEEP);
	} else if (which == PIPE_OUTPUT) {
		keep_tail(&st->res->qemu_output, buf, (size_t)n, QEMU_OUTPUT_KEEP);
	} else if (*frame_rc == 0) {
		*frame_rc = frame_feed(&st->reader, buf, (size_t)n, on_frame, st, &st->frame_err);
		st->deadline = aslr_now_sec() + (st->res->done ? VM_EXIT_GRACE_SEC : st->cfg->timeout_sec);
	}
	return 1;
}

/* Read every pipe that is ready (until it would block); close those at EOF. */
static void read_ready(struct vm_state *st, int *frame_rc)
{
	for (int i = 0; i < PIPE_COUNT; i++) {
		int r = 0;
		while (st->fd[i] >= 0 && (r = read_pipe(st, i, frame_rc)) > 0)
			;
		if (st->fd[i] >= 0 && r < 0) {
			close(st->fd[i]);
			st->fd[i] = -1;
		}
	}
}

enum vm_wait { VM_RUNNING, VM_EXITED, VM_STOPPED, VM_TIMEOUT, VM_DAMAGED };

/* Until QEMU exits, the deadline passes, a frame is damaged or a stop signal comes. */
static enum vm_wait wait_qemu(struct vm_state *st, int *frame_rc)
{
	for (;;) {
		struct pollfd p[PIPE_COUNT + 1];
		double left = st->deadline - aslr_now_sec();
		for (int i = 0; i < PIPE_COUNT; i++)
			p[i] = (struct pollfd){ st->fd[i], POLLIN, 0 };
		p[PIPE_COUNT] = (struct pollfd){ st->pid_fd, POLLIN, 0 };
		poll(p, PIPE_COUNT + 1, left <= 0 ? 0 : left > 0.2 ? 200 : (int)(left * 1000) + 1);
		read_ready(st, frame_rc);
		if (*frame_rc < 0)
			return VM_DAMAGED;
		if (st->cfg->stop && *st->cfg->stop)
			return VM_STOPPED;
		if (p[PIPE_COUNT].revents) {
			waitpid(st->pid, &st->status, 0);
			st->exited = 1;
			read_ready(st, frame_rc); /* what QEMU wrote before it ended */
			return *frame_rc < 0 ? VM_DAMAGED : VM_EXITED;
		}
		if (aslr_now_sec() >= st->deadline)
			return VM_TIMEOUT;
	}
}

/* QEMU's own last words, on one line, for a message. */
static const char *qemu_said(struct vm_result *res)
{
	char *t = res->qemu_output.text;

	if (!t || !res->qemu_output.len)
		return "";
	while (res->qemu_output.len && (t[res->qemu_output.len - 1] == '\n' || t[res->qemu_output.len - 1] == '\r'))
		t[--res->qemu_output.len] = '\0';
	for (char *c = t; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return t;
}

static int console_empty(const struct vm_result *res)
{
	return res->console.len == 0;
}

/* Why a run that QEMU ended (or we ended at a deadline) is not complete. */
static int explain(struct vm_state *st, enum vm_wait how, struct aslr_error *err)
{
	struct vm_result *res = st->res;
	const struct vm_config *cfg = st->cfg;
	const char *said = qemu_said(res);

	if (how == VM_DAMAGED)
		return aslr_error_set(err, -EBADMSG, "the results were damaged on the serial line: %s", st->frame_err.text);
	if (how == VM_TIMEOUT && !res->hello)
		return aslr_error_set(err, -ETIMEDOUT, "no sign of life from the guest within %.0f s (--kernel-timeout)%s",
				      cfg->timeout_sec, console_empty(res) ? ": the console printed nothing (not a "
				      "bootable kernel, or no serial console on ttyS0: CONFIG_SERIAL_8250_CONSOLE?)" : "");
	if (how == VM_TIMEOUT)
		return aslr_error_set(err, -ETIMEDOUT, "the guest stopped answering: %.0f s without a word after %llu rows "
				      "(--kernel-timeout)", cfg->timeout_sec, (unsigned long long)res->rows);
	if (!res->hello && said[0])
		return aslr_error_set(err, -EIO, "QEMU ended before the guest started: %s", said);
	if (!res->hello)
		return aslr_error_set(err, -EIO, "the guest ended before its init started (kernel panic, or a kernel "
				      "that cannot boot here; QEMU exit status %d)", WIFEXITED(st->status) ?
				      WEXITSTATUS(st->status) : -1);
	if (!res->done)
		return aslr_error_set(err, -EIO, "the guest ended before it sent its results (after %llu rows)%s%s",
				      (unsigned long long)res->rows, said[0] ? ": " : "", said);
	return 0;
}

/* A run whose guest said "done": complete when the harness there succeeded and both files came. */
static int check_results(struct vm_result *res, struct aslr_error *err)
{
	if (res->guest_status != 0)
		return aslr_error_set(err, -EIO, "the harness in the guest failed with exit status %d (its output is "
				      "in the run folder's guest.log)", res->guest_status);
	if (!res->have_run_json || !res->have_samples)
		return aslr_error_set(err, -EIO, "the guest sent no %s", res->have_run_json ? "samples.csv" : "run.json");
	return 0;
}

/* The console's last lines only. */
static void trim_console(struct strbuf *c)
{
	size_t lines = 0, at;

	for (size_t i = 0; i < c->len; i++)
		if (c->text[i] == '\r')
			c->text[i] = ' ';
	while (c->len && c->text[c->len - 1] == '\n')
		c->text[--c->len] = '\0';
	for (at = c->len; at > 0 && lines < VM_CONSOLE_LINES; at--)
		lines += c->text[at - 1] == '\n';
	if (at > 0) {
		memmove(c->text, c->text + at + 1, c->len - at);
		c->len -= at + 1;
	}
}

static int open_log(const char *path, struct aslr_error *err)
{
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644) : -1;

	if (path && fd < 0)
		aslr_error_at(err, -errno, path, 0, 0, "%s", strerror(errno));
	return fd;
}

int vm_run(const struct vm_config *cfg, struct vm_result *res, struct aslr_error *err)
{
	struct vm_state st = { .cfg = cfg, .res = res, .pid = -1, .pid_fd = -1, .log_fd = -1,
			       .fd = { -1, -1, -1 } };
	struct qemu_params params = cfg->qemu;
	enum vm_wait how = VM_RUNNING;
	int rc, frame_rc = 0;

	memset(res, 0, sizeof(*res));
	res->qemu_status = -1;
	params.console_fd = QEMU_CONSOLE_FD;
	params.data_fd = QEMU_DATA_FD;
	frame_reader_init(&st.reader);
	rc = qemu_command(cfg->arch, &params, &res->argv, err);
	if (rc == 0 && cfg->console_log && (st.log_fd = open_log(cfg->console_log, err)) < 0)
		rc = -EIO;
	if (rc == 0)
		rc = start_qemu(&st, err);
	if (rc == 0) {
		st.deadline = st.started + cfg->timeout_sec;
		how = wait_qemu(&st, &frame_rc);
		if (how == VM_EXITED && frame_rc == 0 && frame_finish(&st.reader, &st.frame_err) < 0)
			how = VM_DAMAGED;
		if (how == VM_TIMEOUT && res->done) /* no power-off: the results are in all the same */
			how = VM_EXITED;
	}
	stop_qemu(&st);
	progress_end(&st.progress);
	res->total_sec = st.pid > 0 ? aslr_now_sec() - st.started : 0;
	res->qemu_status = st.killed ? -1 : st.status;
	if (rc == 0 && how == VM_STOPPED)
		rc = SPAWN_STOPPED;
	else if (rc == 0 && (rc = explain(&st, how, err)) == 0)
		rc = check_results(res, err);
	trim_console(&res->console);
	for (int i = 0; i < PIPE_COUNT; i++)
		if (st.fd[i] >= 0)
			close(st.fd[i]);
	if (st.pid_fd >= 0)
		close(st.pid_fd);
	if (st.log_fd >= 0)
		close(st.log_fd);
	frame_reader_free(&st.reader);
	return rc;
}

void vm_result_free(struct vm_result *res)
{
	qemu_command_free(res->argv);
	json_decref(res->hello);
	strbuf_free(&res->run_json);
	strbuf_free(&res->samples_csv);
	strbuf_free(&res->log);
	strbuf_free(&res->bench_before);
	strbuf_free(&res->bench_after);
	strbuf_free(&res->console);
	strbuf_free(&res->qemu_output);
	memset(res, 0, sizeof(*res));
}
