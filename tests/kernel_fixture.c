#include "kernel_fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define FETCH ASLR_TEST_DATA "/../../scripts/fetch-kernel"

int kf_fetch(const char *version, char *path, size_t size, char *why, size_t why_size)
{
	char dir_tmpl[] = "/tmp/aslr-fetch-XXXXXX", out[64], err[64], fetch[] = FETCH, v[32];
	char *dir = mkdtemp(dir_tmpl), *text = NULL, *msg = NULL;
	int status;

	if (!dir) {
		snprintf(why, why_size, "no temp folder");
		return -1;
	}
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	snprintf(v, sizeof(v), "%s", version);
	status = tu_run((char *const[]){ fetch, v, NULL }, out, err);
	text = tu_read_file(out, NULL);
	msg = tu_read_file(err, NULL);
	if (status == 0 && text && text[0] == '/') {
		text[strcspn(text, "\n")] = '\0';
		snprintf(path, size, "%s", text);
	} else {
		snprintf(why, why_size, "scripts/fetch-kernel %s failed: %s", version, msg && msg[0] ? msg : "no output");
		status = -1;
	}
	free(text);
	free(msg);
	tu_rmrf(dir);
	return status == 0 ? 0 : -1;
}

int kf_have_qemu(void)
{
	const char *path = getenv("PATH");
	char dirs[4096], file[4200];

	snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(file, sizeof(file), "%s/qemu-system-x86_64", d);
		if (access(file, X_OK) == 0)
			return 1;
	}
	return 0;
}

int kf_qemu_pids(const char *text, pid_t *pids, int max)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (proc && (e = readdir(proc)) && n < max) {
		char path[300], *cmd;
		size_t len;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		cmd = tu_read_file(path, &len);
		for (size_t i = 0; cmd && i < len; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		if (cmd && strstr(cmd, "qemu-system") && strstr(cmd, text))
			pids[n++] = (pid_t)atoi(e->d_name);
		free(cmd);
	}
	if (proc)
		closedir(proc);
	return n;
}

int kf_find_run(const char *dir, const char *part, const char *suffix, char *path, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = -1;

	while (d && (e = readdir(d)) && found < 0) {
		size_t len = strlen(e->d_name), sl = strlen(suffix);
		const char *tail = e->d_name + len - (len >= sl ? sl : 0);
		int ends = len >= sl && strcmp(tail, suffix) == 0;
		int complete_ok = sl || (!strstr(e->d_name, "-failed") && !strstr(e->d_name, "-interrupted"));
		if (e->d_name[0] != '.' && strstr(e->d_name, part) && ends && complete_ok) {
			snprintf(path, size, "%s/%s", dir, e->d_name);
			found = 0;
		}
	}
	if (d)
		closedir(d);
	return found;
}

json_t *kf_load_json(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return json_load_file(path, 0, NULL);
}

int kf_hidden_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, ".kernel-", 8) == 0 || strncmp(e->d_name, ".initramfs-", 11) == 0 ||
		     strncmp(e->d_name, ".compare-", 9) == 0;
	if (d)
		closedir(d);
	return n;
}

int kf_console_has(const char *dir, const char *text)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		char path[PATH_MAX + 300], *log;
		if (strncmp(e->d_name, ".kernel-", 8) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/console.log", dir, e->d_name);
		log = tu_read_file(path, NULL);
		found = log && strstr(log, text);
		free(log);
	}
	if (d)
		closedir(d);
	return found;
}
