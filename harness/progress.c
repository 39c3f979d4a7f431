#include "progress.h"

#include <stdio.h>

#include "clock.h"

void progress_begin(struct progress *p, int enabled, const char *label, uint64_t total)
{
	p->enabled = enabled;
	p->start = aslr_now_sec();
	p->last_print = 0;
	p->width = 0;
	p->total = total;
	snprintf(p->label, sizeof(p->label), "%s", label);
}

void progress_update(struct progress *p, uint64_t done, double now)
{
	double elapsed, rate;

	if (!p->enabled || (now - p->last_print < 0.2 && done < p->total))
		return;
	p->last_print = now;
	elapsed = now - p->start;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	p->width = fprintf(stderr, "\r%s: %llu/%llu  %.0f samples/s  ETA %.0f s   ", p->label,
			   (unsigned long long)done, (unsigned long long)p->total, rate,
			   rate > 0 ? (double)(p->total - done) / rate : 0.0);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (p->enabled)
		fprintf(stderr, "\r%*s\r", p->width, "");
}
