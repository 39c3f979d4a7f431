#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "frame.h"
#include "guest_proto.h"
#include "qemu_arch.h"
#include "strbuf.h"

enum { LOG_KEEP = 64 * 1024, DRAIN_SEC = 3 };

static char env_path[] = "PATH=" GUEST_BIN_DIR ":/usr/bin:/bin";
static char env_locale[] = "LC_ALL=C";
static char *const guest_env[] = { env_path, env_locale, NULL };

/* What the host configured (GUEST_CONF_PATH). */
struct guest_conf {
	char data[256];        /* the serial line for frames */
	unsigned long long bench_execs;
	unsigned bench_jobs;
	char bench_probe[256];
};

/* A child's output and the heartbeat while it runs. */
struct relay {
	int data_fd;           /* frames */
	struct strbuf log;     /* the child's output, its last LOG_KEEP bytes or more */
	int samples_fd;        /* GUEST_OUT_DIR/samples.csv once it exists */
	unsigned long long newlines;
	double started;
};

int guest_is_init(void)
{
	return getpid() == 1 && access(GUEST_ARGS_PATH, R_OK) == 0;
}

/* Messages for the console: the host keeps its last lines for error reports. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("aslr-guest: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void mount_all(void)
{
	if (mount("proc", "/proc", "proc", 0, NULL) < 0 && errno != EBUSY)
		say("mount /proc: %s", strerror(errno));
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0 && errno != EBUSY)
		say("mount /sys: %s", strerror(errno));
	/* without devtmpfs the initramfs's own nodes serve */
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0 && errno != EBUSY)
		say("mount /dev: %s (using the initramfs's nodes)", strerror(errno));
}

/* The serial line for frames, raw: no '\n' to "\r\n", no flow control. */
static int open_data(const char *path)
{
	struct termios t;
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		say("cannot open %s for the results: %s", path, strerror(errno));
		return -1;
	}
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetospeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static void read_conf(struct guest_conf *conf)
{
	struct strbuf text = { 0 };
	char *save = NULL;

	memset(conf, 0, sizeof(*conf));
	snprintf(conf->data, sizeof(conf->data), "%s", qemu_arch_host()->data_device);
	if (strbuf_read_file(&text, GUEST_CONF_PATH) < 0 || !text.text)
		return;
	for (char *line = strtok_r(text.text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		sscanf(line, "data %255s", conf->data);
		sscanf(line, "bench_execs %llu", &conf->bench_execs);
		sscanf(line, "bench_jobs %u", &conf->bench_jobs);
		sscanf(line, "bench_probe %255s", conf->bench_probe);
	}
	strbuf_free(&text);
}

/* GUEST_ARGS_PATH: NUL-terminated strings. The vector points into text. */
static char **read_args(struct strbuf *text)
{
	size_t count = 0, k = 0;
	char **argv;

	if (strbuf_read_file(text, GUEST_ARGS_PATH) < 0 || !text->text || text->text[text->len - 1] != '\0')
		return NULL;
	for (size_t i = 0; i < text->len; i++)
		count += text->text[i] == '\0';
	argv = calloc(count + 1, sizeof(*argv));
	for (size_t i = 0; argv && i < text->len; i += strlen(text->text + i) + 1)
		argv[k++] = text->text + i;
	return argv;
}

static void send_frame(int fd, const char *type, const char *name, const void *data, size_t len)
{
	struct aslr_error err;

	if (frame_write(fd, type, name, data, len, &err) < 0)
		say("%s", err.text);
}

static void send_text(int fd, const char *type, const char *name, const char *text)
{
	send_frame(fd, type, name, text, strlen(text));
}

static void send_hello(int fd)
{
	struct utsname u;
	struct sysinfo si;
	struct strbuf cmdline = { 0 };
	json_t *hello;
	char *text;

	uname(&u);
	sysinfo(&si);
	strbuf_read_file(&cmdline, "/proc/cmdline");
	if (cmdline.len && cmdline.text[cmdline.len - 1] == '\n')
		cmdline.text[--cmdline.len] = '\0';
	hello = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "release", u.release, "version", u.version,
			  "machine", u.machine, "cpus", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "memory_kb",
			  (json_int_t)(si.totalram * si.mem_unit / 1024), "cmdline", cmdline.text ? cmdline.text : "");
	text = hello ? json_dumps(hello, JSON_COMPACT) : NULL;
	send_text(fd, "hello", "kernel", text ? text : "{}");
	free(text);
	json_decref(hello);
	strbuf_free(&cmdline);
}

/* Keep the log's tail: past twice LOG_KEEP, the oldest half goes. */
static void log_append(struct strbuf *log, const char *buf, size_t len)
{
	strbuf_append(log, buf, len);
	if (log->len > 2 * LOG_KEEP) {
		memmove(log->text, log->text + log->len - LOG_KEEP, LOG_KEEP + 1);
		log->len = LOG_KEEP;
	}
}

/* Newlines of samples.csv so far (the header's included), read as the file grows. */
static void count_rows(struct relay *r)
{
	char buf[65536];
	ssize_t n;

	if (r->samples_fd < 0)
		r->samples_fd = open(GUEST_OUT_DIR "/samples.csv", O_RDONLY | O_CLOEXEC);
	while (r->samples_fd >= 0 && (n = read(r->samples_fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			r->newlines += buf[i] == '\n';
}

static void heartbeat(struct relay *r)
{
	char text[64];

	count_rows(r);
	snprintf(text, sizeof(text), "%llu %.0f", r->newlines ? r->newlines - 1 : 0, aslr_now_sec() - r->started);
	send_text(r->data_fd, "alive", "rows", text);
}

/* Reap every child that ended (init inherits orphans); the wait status of pid when it did. */
static void reap(pid_t pid, int *status, int *ended)
{
	int st;
	pid_t got;

	while ((got = waitpid(-1, &st, WNOHANG)) > 0)
		if (got == pid) {
			*status = st;
			*ended = 1;
		}
}

static pid_t start_child(char *const argv[], int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null_fd = open("/dev/null", O_RDONLY);
		dup2(null_fd, STDIN_FILENO);
		dup2(out_fd, STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
		execve(argv[0], argv, guest_env);
		fprintf(stderr, "aslr-guest: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Run argv to its end, its output to the console and r->log, a heartbeat each second.
 * The wait status, or -1 when it could not start. */
static int run_child(char *const argv[], struct relay *r)
{
	int fds[2], status = -1, ended = 0;
	double drain_until = 0, next_beat = aslr_now_sec() + 1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = start_child(argv, fds[1]);
	close(fds[1]);
	while (pid > 0) {
		struct pollfd p = { fds[0], POLLIN, 0 }; /* fd -1 after EOF: poll only waits */
		char buf[4096];
		ssize_t n;
		if (poll(&p, 1, 200) > 0 && (n = read(fds[0], buf, sizeof(buf))) >= 0) {
			log_append(&r->log, buf, (size_t)n);
			(void)!write(STDERR_FILENO, buf, (size_t)n);
			if (n == 0) {
				close(fds[0]);
				fds[0] = -1;
			}
		}
		reap(pid, &status, &ended);
		if (aslr_now_sec() >= next_beat) {
			heartbeat(r);
			next_beat += 1;
		}
		if (ended && !drain_until) /* a grandchild may hold the pipe: wait for EOF a little */
			drain_until = aslr_now_sec() + DRAIN_SEC;
		if (ended && (fds[0] < 0 || aslr_now_sec() > drain_until))
			break;
	}
	if (fds[0] >= 0)
		close(fds[0]);
	return pid > 0 ? status : -1;
}

/* The bare exec loop (bench/bare_loop.c) on the probe, its one line of output as a frame
 * named name (NULL: a warm-up, not sent). */
static void run_bench(const struct guest_conf *conf, struct relay *r, const char *name, unsigned long long n)
{
	char loop[] = GUEST_BARE_LOOP, probe[sizeof(conf->bench_probe)], execs[32], jobs[32];
	char *argv[] = { loop, probe, execs, jobs, NULL };
	size_t before = r->log.len;
	int status;

	memcpy(probe, conf->bench_probe, sizeof(probe));
	snprintf(execs, sizeof(execs), "%llu", n);
	snprintf(jobs, sizeof(jobs), "%u", conf->bench_jobs ? conf->bench_jobs : (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	status = run_child(argv, r);
	if (status != 0 || r->log.len <= before)
		say("the bare loop failed (wait status %d)", status);
	else if (name)
		send_frame(r->data_fd, "bench", name, r->log.text + before, r->log.len - before);
}

/* A file of the guest harness's run folder, when it exists. */
static void send_file(int fd, const char *name)
{
	struct strbuf content = { 0 };
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", GUEST_OUT_DIR, name);
	if (strbuf_read_file(&content, path) == 0)
		send_frame(fd, "file", name, content.text ? content.text : "", content.len);
	strbuf_free(&content);
}

static _Noreturn void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT); /* -no-reboot: QEMU exits either way */
	for (;;)
		pause();
}

/* The sampling itself: the harness as a child, then its files and status. */
static void sample(int data_fd, const struct guest_conf *conf)
{
	struct relay r = { .data_fd = data_fd, .samples_fd = -1, .started = aslr_now_sec() };
	struct strbuf args = { 0 };
	char **argv = read_args(&args);
	char status_text[32];
	int status = -1;

	if (!argv)
		say("cannot read %s", GUEST_ARGS_PATH);
	if (argv && conf->bench_execs) {
		/* TCG translates the probe's code on its first runs: not counted */
		run_bench(conf, &r, NULL, conf->bench_execs < 100 ? conf->bench_execs : 100);
		run_bench(conf, &r, "before", conf->bench_execs);
	}
	if (argv)
		status = run_child(argv, &r);
	if (argv && conf->bench_execs)
		run_bench(conf, &r, "after", conf->bench_execs);
	heartbeat(&r);
	send_file(data_fd, "run.json");
	send_file(data_fd, "samples.csv");
	send_frame(data_fd, "log", "harness", r.log.text ? r.log.text : "", r.log.len);
	snprintf(status_text, sizeof(status_text), "%d",
		 status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : status >= 0 ? 128 + WTERMSIG(status) : 127);
	send_text(data_fd, "done", "status", status_text);
	if (r.samples_fd >= 0)
		close(r.samples_fd);
	strbuf_free(&r.log);
	free(argv);
	strbuf_free(&args);
}

void guest_init_main(void)
{
	struct guest_conf conf;
	int data_fd;

	mount_all();
	read_conf(&conf);
	data_fd = open_data(conf.data);
	if (data_fd >= 0) {
		send_hello(data_fd);
		sample(data_fd, &conf);
		tcdrain(data_fd); /* every byte out of the UART before the power goes */
		close(data_fd);
	}
	power_off();
}
