/* aslr-traced-loop: the least a tracer can do, the ceiling of --target's speed.
 *
 * J programs in flight, each clone(CLONE_VM) + PTRACE_TRACEME + execve; at its stop after execve
 * AT_ENTRY from /proc/PID/auxv, an int3 there, PTRACE_CONT; at the entry point
 * /proc/PID/maps and /proc/PID/stat read (not parsed), SIGKILL, waitpid. No validation,
 * no privileges dropped, no output; every stop waited for with a blocking waitpid.
 * Prints "<execs> execs in <seconds> s = <rate>/s". Usage: aslr-traced-loop PROGRAM N J */
#include <elf.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop_common.h"

enum { STACK = 64 * 1024 };

static void slurp(pid_t pid, const char *file)
{
	char path[64], buf[16384];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static uint64_t entry_of(pid_t pid)
{
	char path[64];
	uint64_t auxv[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, auxv, sizeof(auxv));
	close(fd);
	for (ssize_t i = 0; i + 1 < n / 8; i += 2)
		if (auxv[i] == AT_ENTRY)
			return auxv[i + 1];
	return 0;
}

/* The stop after execve: int3 over the entry point, then on. */
static void at_exec(pid_t pid)
{
	uint64_t entry = entry_of(pid), at = entry & ~(uint64_t)7;
	unsigned shift = (unsigned)(entry - at) * 8;
	uint64_t word = (uint64_t)ptrace(PTRACE_PEEKTEXT, pid, (void *)(uintptr_t)at, NULL);

	word = (word & ~((uint64_t)0xff << shift)) | ((uint64_t)0xcc << shift);
	ptrace(PTRACE_POKETEXT, pid, (void *)(uintptr_t)at, (void *)(uintptr_t)word);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
}

static char **program_argv_of;

static int child(void *arg)
{
	(void)arg;
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	execve(program_argv_of[0], program_argv_of, program_env);
	_exit(127);
}

/* As the harness starts them: clone(CLONE_VM) on a stack of the job's own, so the loop goes
 * on while the child execs (the child shares its memory until then; a vfork'ing loop would
 * wait). */
static pid_t start(char **argv, char *stack)
{
	program_argv_of = argv;
	return clone(child, stack + STACK, CLONE_VM | SIGCHLD, NULL);
}

int main(int argc, char **argv)
{
	pid_t pid[MAX_JOBS] = { 0 };
	int stops[MAX_JOBS] = { 0 };
	long n, jobs, launched = 0, done = 0;
	double t0;

	if (argc != 4 || (n = atol(argv[2])) < 1 || (jobs = atol(argv[3])) < 1 || jobs > MAX_JOBS) {
		fprintf(stderr, "usage: aslr-traced-loop PROGRAM N JOBS\n");
		return 2;
	}
	char *program_argv[] = { argv[1], NULL };
	char *stacks = mmap(NULL, (size_t)jobs * STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (stacks == MAP_FAILED)
		return 1;
	t0 = now_sec();
	while (done < n) {
		int status;
		pid_t r;
		long j;

		for (j = 0; j < jobs; j++)
			if (!pid[j] && launched < n) {
				pid[j] = start(program_argv, stacks + j * STACK);
				if (pid[j] < 0)
					return 1;
				stops[j] = 0;
				launched++;
			}
		r = waitpid(-1, &status, __WALL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (j = 0; j < jobs && pid[j] != r; j++)
			;
		if (j == jobs)
			continue;
		if (!WIFSTOPPED(status)) {
			pid[j] = 0;
			done++;
		} else if (stops[j]++ == 0) {
			at_exec(r);
		} else {
			slurp(r, "maps");
			slurp(r, "stat");
			kill(r, SIGKILL);
		}
	}
	double secs = now_sec() - t0;
	printf("%ld execs in %.3f s = %.0f/s\n", done, secs, (double)done / secs);
	return 0;
}
