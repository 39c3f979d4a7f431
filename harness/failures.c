#include "failures.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[FAILURE_KINDS] = {
	[FAILURE_EXIT] = "exit",         [FAILURE_SIGNAL] = "signal",
	[FAILURE_TIMEOUT] = "timeout",   [FAILURE_OVERFLOW] = "overflow",
	[FAILURE_EMPTY] = "empty",       [FAILURE_MALFORMED] = "malformed",
	[FAILURE_REGIONS] = "regions",   [FAILURE_EXEC] = "exec",
	[FAILURE_TRACE] = "trace",
};

const char *failure_kind_name(enum failure_kind kind)
{
	return kind >= 0 && kind < FAILURE_KINDS ? kind_names[kind] : "unknown";
}

void failure_tally_count(struct failure_tally *tally, int kind, const char *example)
{
	tally->execs++;
	if (kind < 0 || kind >= FAILURE_KINDS)
		return;
	tally->failed++;
	if (tally->count[kind]++ == 0)
		snprintf(tally->example[kind], sizeof(tally->example[kind]), "%s", example);
}

int failure_budget_exceeded(const struct failure_tally *tally)
{
	if (tally->execs <= FAILURE_BUDGET_FIRST)
		return tally->execs == FAILURE_BUDGET_FIRST && tally->failed == FAILURE_BUDGET_FIRST;
	return tally->execs > FAILURE_BUDGET_AFTER && tally->failed * 100 > tally->execs * FAILURE_BUDGET_PERCENT;
}

void failure_tally_describe(const struct failure_tally *tally, char *buf, size_t size)
{
	size_t used;
	int n = snprintf(buf, size, "%llu failures in %llu execs", (unsigned long long)tally->failed,
			 (unsigned long long)tally->execs);

	used = n < 0 ? 0 : (size_t)n;
	for (int k = 0; k < FAILURE_KINDS && used < size; k++) {
		if (!tally->count[k])
			continue;
		n = snprintf(buf + used, size - used, "; %llu %s (e.g. %s)",
			     (unsigned long long)tally->count[k], kind_names[k], tally->example[k]);
		used += n < 0 ? 0 : (size_t)n;
	}
}
