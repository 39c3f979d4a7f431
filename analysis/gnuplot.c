#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"

void gnuplot_quote(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, "'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_append(sb, "''", 2);
		else
			strbuf_append(sb, s, 1);
	}
	strbuf_append(sb, "'", 1);
}

/* Room for one more output; 0 or -ENOMEM. */
static int grow_outputs(struct gnuplot_job *job)
{
	unsigned cap = job->output_cap ? 2 * job->output_cap : 16;
	struct gnuplot_output *grown;

	if (job->output_count < job->output_cap)
		return 0;
	grown = realloc(job->output, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	job->output = grown;
	job->output_cap = cap;
	return 0;
}

static void set_output(struct gnuplot_job *job, const char *dir, const char *name, const char *ext)
{
	struct gnuplot_output *out;

	if (job->failed || grow_outputs(job) < 0) {
		job->failed = 1;
		return;
	}
	out = &job->output[job->output_count];
	if (asprintf(&out->final_path, "%s/%s.%s", dir, name, ext) < 0) {
		job->failed = 1;
		return;
	}
	if (asprintf(&out->tmp_path, "%s/.%s.%s.tmp", dir, name, ext) < 0) {
		free(out->final_path);
		job->failed = 1;
		return;
	}
	job->output_count++;
	unlink(out->tmp_path); /* a leftover of a killed run; gnuplot opens with O_TRUNC */
	strbuf_printf(&job->script, "set output ");
	gnuplot_quote(&job->script, out->tmp_path);
	strbuf_printf(&job->script, "\n");
}

void gnuplot_render(struct gnuplot_job *job, const char *dir, const char *name, int width,
		    int height, const char *body)
{
	/* each plot starts from gnuplot's defaults: no label or range leaks from the last one */
	strbuf_printf(&job->script, "reset\n");
	strbuf_printf(&job->script,
		      "set terminal pngcairo size %d,%d font 'DejaVu Sans,11' noenhanced\n",
		      width, height);
	set_output(job, dir, name, "png");
	strbuf_printf(&job->script, "%s\nunset output\n", body);
	strbuf_printf(&job->script, "set terminal svg size %d,%d dynamic font 'DejaVu Sans,11' noenhanced\n",
		      width, height);
	set_output(job, dir, name, "svg");
	strbuf_printf(&job->script, "%s\nunset output\n", body);
}

/* The child: script on stdin, errors to a memfd, stdout discarded. Reports an exec
 * failure's errno on the close-on-exec pipe report_fd. */
static void exec_gnuplot(int script_fd, int errors_fd, int report_fd)
{
	char *const argv[] = { (char[]){ "gnuplot" }, NULL };
	int null_fd = open("/dev/null", O_WRONLY);
	int e;

	if (dup2(script_fd, STDIN_FILENO) < 0 || dup2(errors_fd, STDERR_FILENO) < 0 ||
	    (null_fd >= 0 && dup2(null_fd, STDOUT_FILENO) < 0))
		_exit(127);
	execvp("gnuplot", argv);
	e = errno;
	(void)!write(report_fd, &e, sizeof(e));
	_exit(127);
}

/* Write the script with SIGPIPE blocked (gnuplot may exit early), then reap it. */
static int feed_and_wait(pid_t pid, int fd, const struct strbuf *script, int *status)
{
	sigset_t pipe_set, old;
	int rc;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	rc = aslr_write_all(fd, script->text, script->len);
	close(fd);
	if (sigtimedwait(&pipe_set, NULL, &(struct timespec){ 0 }) < 0 && errno != EAGAIN)
		rc = rc ? rc : -errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return rc;
}

static void first_error_line(int errors_fd, char *buf, size_t size)
{
	ssize_t n = pread(errors_fd, buf, size - 1, 0);
	char *line = buf, *nl;

	buf[n > 0 ? n : 0] = '\0';
	/* gnuplot echoes the failing command, then a line with the message: take the last line */
	while ((nl = strchr(line, '\n')) && nl[1])
		line = nl + 1;
	memmove(buf, line, strlen(line) + 1);
	buf[strcspn(buf, "\n")] = '\0';
}

static void close_pair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
}

/* Fork gnuplot with the script pipe on its stdin. On success *script_w is the pipe's
 * write end. *errors_fd (gnuplot's stderr) is the caller's to close either way. */
static int start(int *script_w, int *errors_fd, pid_t *pid, struct aslr_error *err)
{
	int script[2] = { -1, -1 }, report[2] = { -1, -1 }, exec_errno = 0, rc = 0;

	*errors_fd = memfd_create("gnuplot-stderr", MFD_CLOEXEC);
	if (*errors_fd < 0 || pipe2(script, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0) {
		rc = aslr_error_set(err, -errno, "gnuplot: %s", strerror(errno));
		goto out_close;
	}
	*pid = fork();
	if (*pid < 0) {
		rc = aslr_error_set(err, -errno, "gnuplot: fork: %s", strerror(errno));
		goto out_close;
	}
	if (*pid == 0)
		exec_gnuplot(script[0], *errors_fd, report[1]);
	close(report[1]);
	report[1] = -1;
	if (read(report[0], &exec_errno, sizeof(exec_errno)) > 0) { /* EOF means the exec worked */
		waitpid(*pid, NULL, 0);
		rc = aslr_error_set(err, -ENOENT, "gnuplot cannot be started (%s)", strerror(exec_errno));
		goto out_close;
	}
	*script_w = script[1];
	script[1] = -1;
out_close:
	close_pair(script);
	close_pair(report);
	return rc;
}

static void discard_outputs(struct gnuplot_job *job)
{
	for (unsigned i = 0; i < job->output_count; i++)
		unlink(job->output[i].tmp_path);
}

void gnuplot_job_free(struct gnuplot_job *job)
{
	for (unsigned i = 0; i < job->output_count; i++) {
		free(job->output[i].final_path);
		free(job->output[i].tmp_path);
	}
	free(job->output);
	strbuf_free(&job->script);
	memset(job, 0, sizeof(*job));
}

int gnuplot_run(struct gnuplot_job *job, struct aslr_error *err)
{
	char message[512];
	int script_w = -1, errors_fd = -1, status = 0, rc;
	pid_t pid = 0;

	if (job->script.failed || job->failed) {
		rc = aslr_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	rc = start(&script_w, &errors_fd, &pid, err);
	if (rc < 0)
		goto out;
	rc = feed_and_wait(pid, script_w, &job->script, &status);
	if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		first_error_line(errors_fd, message, sizeof(message));
		rc = aslr_error_set(err, -EIO, "gnuplot failed: %s", message);
		goto out;
	}
	for (unsigned i = 0; i < job->output_count && rc == 0; i++)
		if (rename(job->output[i].tmp_path, job->output[i].final_path) < 0)
			rc = aslr_error_at(err, -errno, job->output[i].final_path, 0, 0, "rename: %s", strerror(errno));
out:
	if (rc < 0)
		discard_outputs(job);
	if (errors_fd >= 0)
		close(errors_fd);
	gnuplot_job_free(job);
	return rc;
}
