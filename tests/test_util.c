#include "test_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *tu_mkdtemp(void)
{
	char tmpl[] = "/tmp/aslr-test-XXXXXX";
	char *dir = mkdtemp(tmpl);
	return dir ? strdup(dir) : NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmrf(const char *path)
{
	if (path)
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int tu_tmpdir_setup(void **state)
{
	*state = tu_mkdtemp();
	return *state ? 0 : -1;
}

int tu_tmpdir_teardown(void **state)
{
	tu_rmrf(*state);
	free(*state);
	return 0;
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int tu_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void redirect(int fd, const char *path)
{
	int out = open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out >= 0) {
		dup2(out, fd);
		close(out);
	}
}

static pid_t spawn_env(char *const argv[], char *const envp[], const char *out_path,
		       const char *err_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		redirect(STDOUT_FILENO, out_path);
		redirect(STDERR_FILENO, err_path);
		if (envp)
			execve(argv[0], argv, envp);
		else
			execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

pid_t tu_spawn(char *const argv[], const char *out_path, const char *err_path)
{
	return spawn_env(argv, NULL, out_path, err_path);
}

int tu_run_env(char *const argv[], char *const envp[], const char *out_path, const char *err_path)
{
	int status = -1;
	pid_t pid = spawn_env(argv, envp, out_path, err_path);

	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

int tu_run(char *const argv[], const char *out_path, const char *err_path)
{
	int status = -1;
	pid_t pid = tu_spawn(argv, out_path, err_path);

	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

static size_t count_fields(const char *line)
{
	size_t n = 1;
	for (; *line && *line != '\n'; line++)
		n += *line == ',';
	return n;
}

/* Split one line in place into exactly cols fields; -1 on a mismatch. */
static int split_line(char **p, char **fields, size_t cols)
{
	for (size_t c = 0; c < cols; c++) {
		fields[c] = *p;
		*p += strcspn(*p, ",\n");
		if ((c + 1 < cols && **p != ',') || (c + 1 == cols && **p != '\n'))
			return -1;
		*(*p)++ = '\0';
	}
	return 0;
}

int tu_csv_load(const char *path, struct tu_csv *csv)
{
	char *p;
	size_t lines = 0;

	memset(csv, 0, sizeof(*csv));
	csv->text = tu_read_file(path, NULL);
	if (!csv->text || !csv->text[0])
		return -1;
	for (p = csv->text; *p; p++)
		lines += *p == '\n';
	csv->cols = count_fields(csv->text);
	csv->header = calloc(csv->cols, sizeof(char *));
	csv->cell = calloc(lines, sizeof(char **));
	p = csv->text;
	if (split_line(&p, csv->header, csv->cols) < 0)
		return -1;
	while (*p) {
		csv->cell[csv->rows] = calloc(csv->cols, sizeof(char *));
		if (split_line(&p, csv->cell[csv->rows++], csv->cols) < 0)
			return -1;
	}
	return 0;
}

int tu_csv_col(const struct tu_csv *csv, const char *name)
{
	for (size_t c = 0; c < csv->cols; c++)
		if (strcmp(csv->header[c], name) == 0)
			return (int)c;
	return -1;
}

uint64_t tu_csv_u64(const struct tu_csv *csv, size_t row, int col)
{
	return strtoull(csv->cell[row][col], NULL, 0);
}

void tu_csv_free(struct tu_csv *csv)
{
	for (size_t r = 0; r < csv->rows; r++)
		free(csv->cell[r]);
	free(csv->cell);
	free(csv->header);
	free(csv->text);
	memset(csv, 0, sizeof(*csv));
}

int tu_read_int(const char *path)
{
	char *text = tu_read_file(path, NULL);
	int v = text ? atoi(text) : -1;

	free(text);
	return v;
}

static void sleep_10ms(void)
{
	nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
}

int tu_wait_int(const char *path, int want)
{
	for (int i = 0; i < 1000; i++, sleep_10ms())
		if (tu_read_int(path) == want)
			return 1;
	return 0;
}

int tu_wait_lines(const char *path, int lines)
{
	for (int i = 0; i < 1000; i++, sleep_10ms()) {
		size_t len;
		char *text = tu_read_file(path, &len);
		int n = 0;
		for (size_t k = 0; text && k < len; k++)
			n += text[k] == '\n';
		free(text);
		if (n >= lines)
			return 1;
	}
	return 0;
}

int tu_is_root(void)
{
	return geteuid() == 0;
}

/* The parent of pid from /proc/PID/stat (after comm's last ')'), or -1. */
static pid_t parent_of(const char *pid)
{
	char path[300], *text, *close_paren;
	pid_t ppid = -1;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	text = tu_read_file(path, NULL);
	close_paren = text ? strrchr(text, ')') : NULL;
	if (close_paren)
		sscanf(close_paren + 1, " %*c %d", &ppid);
	free(text);
	return ppid;
}

size_t tu_children_of(pid_t parent, pid_t *out, size_t max)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	size_t n = 0;

	while (proc && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9' || parent_of(d->d_name) != parent)
			continue;
		if (n < max)
			out[n] = (pid_t)atoi(d->d_name);
		n++;
	}
	if (proc)
		closedir(proc);
	return n;
}

int tu_m32_runs(char *why, size_t size)
{
	char *argv[] = { (char[]){ ASLR_BIN_DIR "/aslr-probe-m32" }, NULL };
	int status;

	if (access(argv[0], X_OK) < 0) {
		snprintf(why, size, "aslr-probe-m32 was not built (no gcc-multilib)");
		return TU_M32_NOT_BUILT;
	}
	status = tu_run(argv, NULL, NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, size, "this kernel does not run 32-bit programs (status 0x%x)", status);
		return TU_M32_REFUSED;
	}
	snprintf(why, size, "this kernel runs 32-bit programs (ia32 emulation is on)");
	return TU_M32_RUNS;
}

static int write_bytes(const char *to, const char *bytes, size_t len, unsigned mode)
{
	FILE *f = fopen(to, "wb");
	int rc;

	if (!f)
		return -1;
	rc = fwrite(bytes, 1, len, f) == len ? 0 : -1;
	if (fclose(f) != 0 || chmod(to, mode) != 0)
		rc = -1;
	return rc;
}

int tu_copy_file(const char *from, const char *to, unsigned mode)
{
	size_t len;
	char *bytes = tu_read_file(from, &len);
	int rc = bytes ? write_bytes(to, bytes, len, mode) : -1;

	free(bytes);
	return rc;
}

int tu_foreign_elf(const char *from, const char *to)
{
	size_t len;
	char *bytes = tu_read_file(from, &len);
	const unsigned char aarch64[2] = { 183, 0 }; /* e_machine, little-endian, at offset 18 */
	int rc = -1;

	if (bytes && len >= 64 && memcmp(bytes, "\177ELF", 4) == 0) {
		memcpy(bytes + 18, aarch64, sizeof(aarch64));
		rc = write_bytes(to, bytes, len, 0755);
	}
	free(bytes);
	return rc;
}

int tu_have_gnuplot(void)
{
	char *argv[] = { (char[]){ "/usr/bin/gnuplot" }, (char[]){ "--version" }, NULL };
	int status = tu_run(argv, NULL, NULL);

	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int tu_run_dirs_setup(void **state)
{
	struct tu_run_dirs *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	if (!f->dir)
		return -1;
	snprintf(f->out, sizeof(f->out), "%s/run", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/stderr", f->dir);
	*state = f;
	return 0;
}

int tu_run_dirs_teardown(void **state)
{
	struct tu_run_dirs *f = *state;

	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}
