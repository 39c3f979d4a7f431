/* aslr-bare-loop: the reference the harness is measured against.
 *
 * The least a sampler can do: J probes in flight, each vfork + execve with stdout
 * on a pipe, read to EOF, waitpid; no parsing, no validation, no output.
 * Prints "<execs> execs in <seconds> s = <rate>/s". Usage: aslr-bare-loop PROBE N J */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop_common.h"

static pid_t start(char **argv, int *out_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = vfork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execve(argv[0], argv, program_env);
		_exit(127);
	}
	close(fds[1]);
	*out_fd = fds[0];
	return pid;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAX_JOBS];
	pid_t pid[MAX_JOBS];
	char buf[4096];
	long n, jobs, launched = 0, done = 0;
	double t0;

	if (argc != 4 || (n = atol(argv[2])) < 1 || (jobs = atol(argv[3])) < 1 || jobs > MAX_JOBS) {
		fprintf(stderr, "usage: aslr-bare-loop PROBE N JOBS\n");
		return 2;
	}
	char *probe_argv[] = { argv[1], NULL };
	t0 = now_sec();
	for (long j = 0; j < jobs; j++) {
		pfd[j].fd = -1;
		pfd[j].events = POLLIN;
	}
	while (done < n) {
		for (long j = 0; j < jobs; j++)
			if (pfd[j].fd < 0 && launched < n) {
				pid[j] = start(probe_argv, &pfd[j].fd);
				if (pid[j] < 0)
					return 1;
				launched++;
			}
		if (poll(pfd, (nfds_t)jobs, -1) < 0 && errno != EINTR)
			return 1;
		for (long j = 0; j < jobs; j++) {
			if (pfd[j].fd < 0 || !pfd[j].revents)
				continue;
			if (read(pfd[j].fd, buf, sizeof(buf)) > 0)
				continue;
			close(pfd[j].fd);
			pfd[j].fd = -1;
			waitpid(pid[j], NULL, 0);
			done++;
		}
	}
	double secs = now_sec() - t0;
	printf("%ld execs in %.3f s = %.0f/s\n", done, secs, (double)done / secs);
	return 0;
}
