/* loop_common.h: what aslr-bare-loop and aslr-traced-loop share, so both run their
 * programs alike: the job limit, the fixed environment (the harness's probe_env) and the
 * clock. Header-only: the loops are plain programs, linked with nothing of ours. */
#ifndef ASLR_BENCH_LOOP_COMMON_H
#define ASLR_BENCH_LOOP_COMMON_H

#include <time.h>

enum { MAX_JOBS = 64 };

static char env_path[] = "PATH=/usr/bin:/bin";
static char env_locale[] = "LC_ALL=C";
static char *const program_env[] = { env_path, env_locale, NULL };

static inline double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
