#include "preset.h"

#include <math.h>
#include <stdio.h>

#include "birthday.h"

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

void preset_precise_text(char *buf, size_t size, uint64_t samples, unsigned series, double rate)
{
	double pairs = birthday_expected_pairs((double)samples, PRESET_PRECISE_BITS);
	double execs = (double)samples * series;

	snprintf(buf, size,
		 "preset precise: %llu samples per series, so a %.0f-bit region shows about %.1f colliding pairs "
		 "(at least 10 with probability %.2f); %u series = %.0f execs at the %.0f execs/s just measured: "
		 "about %.1f minutes.",
		 (unsigned long long)samples, PRESET_PRECISE_BITS, pairs, preset_poisson_at_least(pairs, 10), series,
		 execs, rate, execs / rate / 60);
}

static int count_success(void *ctx, const struct probe_result *r)
{
	(void)ctx;
	return r->outcome == PROBE_EXITED && r->code == 0 && !r->before_entry ? SPAWN_ACCEPTED : SPAWN_REJECTED;
}

int preset_measure_rate(const struct spawn_config *spawn, unsigned n, double *rate, struct aslr_error *err)
{
	struct spawn_config cfg = *spawn;
	double start = aslr_now_sec();
	int rc;

	cfg.target = n;
	rc = spawn_run(&cfg, count_success, NULL, err);
	if (rc < 0)
		return rc;
	*rate = (double)n / (aslr_now_sec() - start);
	return 0;
}
