#include "preset.h"

#include <math.h>

#include "clock.h"
#include "progress.h"
#include "spawn.h"

double preset_poisson_at_least(double lambda, unsigned k)
{
	double term = exp(-lambda), below = 0;

	for (unsigned i = 0; i < k; i++) {
		below += term;
		term *= lambda / (i + 1);
	}
	return 1 - below;
}

static int count_success(void *ctx, const struct probe_result *r)
{
	(void)ctx;
	return r->outcome == PROBE_EXITED && r->code == 0 ? SPAWN_ACCEPTED : SPAWN_REJECTED;
}

int preset_measure_rate(const char *probe, char *const *envp, unsigned jobs, unsigned n,
			volatile sig_atomic_t *stop, double *rate, struct aslr_error *err)
{
	char *argv[] = { (char *)(uintptr_t)probe, NULL };
	struct spawn_config cfg = { .path = probe, .argv = argv, .envp = envp, .jobs = jobs,
				    .target = n, .timeout_sec = 5, .stop = stop };
	double start = aslr_now_sec();
	int rc = spawn_run(&cfg, count_success, NULL, err);

	if (rc < 0)
		return rc;
	*rate = (double)n / (aslr_now_sec() - start);
	return 0;
}
