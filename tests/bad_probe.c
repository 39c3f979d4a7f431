/* Misbehaving probes for the reliability tests, one binary per BEHAVIOR (tests/CMakeLists.txt).
 * Each prints a good record most of the time and misbehaves on every EVERY-th exec of
 * the binary, so a series sees an exact share of each fault:
 *   crash, hang, garbage, partial, exit3, flood: fail every 3rd exec (beyond the 1 % budget)
 *   rare: crash every 250th exec (within the budget)
 * The execs are counted in a file beside the binary, <path>.count (one byte appended per
 * exec), not read off the pid: pids are shared with every process on the machine, and
 * while others fork, two pids that are multiples of 250 can fall to the probe fewer
 * than 200 execs apart, which is over the 1 % budget (test_faults failed that way). A
 * test copies the probe into its own folder to start the count at zero.
 *   grandchild: always a good record, but leaves a child that holds stdout open
 *   uid: a good record whose region "uid" is the real uid it runs as
 *   doublefork: a good record; a child forks a sleeping grandchild and exits (a daemon's
 *     double fork, in the probe's process group)
 *   daemon: the same, but the child first calls setsid(): the grandchild leaves the
 *     probe's process group and session, so killing the group misses it
 *   zombie: a good record; a child that exits at once and is never waited for
 *   random: a record of made-up regions whose entropy is known: low16 and low8 are 16 and
 *     8 random bits (getrandom) in page units, fixed never changes (for --precision) */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"

#define CRASH 1
#define HANG 2
#define GARBAGE 3
#define PARTIAL 4
#define EXIT3 5
#define FLOOD 6
#define RARE 7
#define GRANDCHILD 8
#define UID 9
#define DOUBLEFORK 10
#define DAEMON 11
#define ZOMBIE 12
#define RANDOM 13

#if BEHAVIOR == RARE
#define EVERY 250
#else
#define EVERY 3
#endif

static int good_record(void)
{
	static int global = 1;
	volatile int local = 0;
	const char *names[] = { "text", "data", "stack", "uid" };
	uint64_t values[] = { (uint64_t)(uintptr_t)&good_record, (uint64_t)(uintptr_t)&global,
			      (uint64_t)(uintptr_t)&local, (uint64_t)getuid() };
	char line[RECORD_MAX_LEN];
	int len = record_format(line, sizeof(line), names, values, BEHAVIOR == UID ? 4 : 3);

	return len > 0 && write(STDOUT_FILENO, line, (size_t)len) == len ? 0 : 1;
}

#if BEHAVIOR == RANDOM
static int random_record(void)
{
	const char *names[] = { "low16", "low8", "fixed" };
	uint16_t r[2] = { 0, 0 };
	uint64_t values[3];
	char line[RECORD_MAX_LEN];
	int len;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return 1;
	values[0] = (UINT64_C(0x7f0000000) + r[0]) << 12;
	values[1] = (UINT64_C(0x7e0000000) + (r[1] & 0xff)) << 12;
	values[2] = UINT64_C(0x555555554000);
	len = record_format(line, sizeof(line), names, values, 3);
	return len > 0 && write(STDOUT_FILENO, line, (size_t)len) == len ? 0 : 1;
}
#endif

#if BEHAVIOR == DOUBLEFORK || BEHAVIOR == DAEMON
/* Fork a child that forks a grandchild sleeping for a minute, and wait for the child. */
static void double_fork(void)
{
	pid_t child = fork();

	if (child == 0) {
		if (BEHAVIOR == DAEMON)
			setsid();
		if (fork() == 0)
			sleep(60);
		_exit(0);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
}
#endif

#if BEHAVIOR < GRANDCHILD
/* Which exec of this binary this is, from 1; -1 when it cannot be counted. With
 * O_APPEND each write lands at the end atomically and leaves this open file's offset
 * just past its own byte, so execs running at once each get a number of their own. */
static long exec_number(void)
{
	char path[4096 + sizeof(".count")];
	ssize_t n = readlink("/proc/self/exe", path, 4096);
	long end = -1;
	int fd;

	if (n <= 0)
		return -1;
	memcpy(path + n, ".count", sizeof(".count"));
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, "x", 1) == 1)
		end = (long)lseek(fd, 0, SEEK_CUR);
	close(fd);
	return end;
}

static void misbehave(void)
{
	static char block[1 << 16];

	switch (BEHAVIOR) {
	case CRASH:
	case RARE:
		raise(SIGSEGV);
		break;
	case HANG:
		for (;;)
			pause();
	case GARBAGE:
		(void)!write(STDOUT_FILENO, "hello, world\n", 13);
		_exit(0);
	case PARTIAL:
		(void)!write(STDOUT_FILENO, "aslr-probe/1 text=0x55", 22);
		_exit(0);
	case EXIT3:
		good_record();
		_exit(3);
	case FLOOD:
		memset(block, 'a', sizeof(block));
		for (int i = 0; i < 64; i++) /* 4 MiB */
			if (write(STDOUT_FILENO, block, sizeof(block)) < 0)
				break;
		_exit(0);
	}
}
#endif

int main(void)
{
#if BEHAVIOR == GRANDCHILD
	if (fork() == 0) {
		sleep(60); /* holds the stdout pipe open long after its parent is gone */
		_exit(0);
	}
	return good_record();
#elif BEHAVIOR == UID
	return good_record();
#elif BEHAVIOR == DOUBLEFORK || BEHAVIOR == DAEMON
	double_fork();
	return good_record();
#elif BEHAVIOR == RANDOM
	return random_record();
#elif BEHAVIOR == ZOMBIE
	if (fork() == 0)
		_exit(0);
	usleep(1000); /* most often the child is a zombie by the time the probe exits */
	return good_record();
#else
	long n = exec_number();

	if (n < 0)
		return 99; /* counted by the harness as an exit failure: the test sees it */
	if (n % EVERY == 0)
		misbehave();
	return good_record();
#endif
}
