#include "preset.h"

#include <math.h>
#include <stdio.h>

#include "birthday.h"
#include "estimate.h"
#include "precision.h"

#include "clock.h"
#include "progress.h"
#include "spawn.h"

void preset_precise_text(char *buf, size_t size, double bits, uint64_t max_samples, double max_time,
			 unsigned series, double rate)
{
	double pairs = fmax(ESTIMATE_MIN_PAIRS, collision_poisson_pairs(bits));
	double n28 = birthday_samples_for_pairs(28, pairs), n30 = birthday_samples_for_pairs(30, pairs);

	snprintf(buf, size,
		 "preset precise = --precision %g: each series runs until every region that moves has a collision "
		 "estimate within +-%g bits (95 %%), about %.0f colliding pairs: a 28-bit region needs about %.0f "
		 "samples (%.0f s at the %.0f execs/s just measured), a 30-bit one %.0f (%.0f s); at most %llu "
		 "samples or %.0f s per series, %u series.",
		 bits, bits, pairs, n28, n28 / rate, rate, n30, n30 / rate, (unsigned long long)max_samples, max_time,
		 series);
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
