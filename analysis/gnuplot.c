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

static void set_output(struct gnuplot_job *job, const char *dir, const char *name, const char *ext)
{
	unsigned i = job->output_count;

	if (i == GNUPLOT_MAX_OUTPUTS)
		return;
	snprintf(job->final_path[i], sizeof(job->final_path[i]), "%s/%s.%s", dir, name, ext);
	snprintf(job->tmp_path[i], sizeof(job->tmp_path[i]), "%s/.%s.%s.tmp", dir, name, ext);
	job->output_count++;
	unlink(job->tmp_path[i]); /* a leftover of a killed run; gnuplot opens with O_TRUNC */
	strbuf_printf(&job->script, "set output ");
	gnuplot_quote(&job->script, job->tmp_path[i]);
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
		unlink(job->tmp_path[i]);
}

int gnuplot_run(struct gnuplot_job *job, struct aslr_error *err)
{
	char message[512];
	int script_w = -1, errors_fd = -1, status = 0, rc;
	pid_t pid = 0;

	if (job->script.failed) {
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
		if (rename(job->tmp_path[i], job->final_path[i]) < 0)
			rc = aslr_error_at(err, -errno, job->final_path[i], 0, 0, "rename: %s", strerror(errno));
out:
	if (rc < 0)
		discard_outputs(job);
	if (errors_fd >= 0)
		close(errors_fd);
	strbuf_free(&job->script);
	return rc;
}
