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

int progress_due(const struct progress *p, uint64_t done, double now)
{
	return p->enabled && (now - p->last_print >= 0.2 || done >= p->total);
}

void progress_print_detail(struct progress *p, uint64_t done, double now, const char *detail, double eta)
{
	double elapsed = now - p->start, rate = elapsed > 0 ? (double)done / elapsed : 0;
	char eta_text[32] = "?";

	p->last_print = now;
	if (eta >= 0)
		snprintf(eta_text, sizeof(eta_text), "%.0f s", eta);
	p->width = fprintf(stderr, "\r%s: %llu samples  %.0f/s  %s  ETA %s   ", p->label, (unsigned long long)done,
			   rate, detail, eta_text);
	fflush(stderr);
}

void progress_update(struct progress *p, uint64_t done, double now)
{
	double elapsed, rate;

	if (!progress_due(p, done, now))
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
