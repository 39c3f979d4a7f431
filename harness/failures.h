/* failures.h: probe execs that did not give a row, counted by kind.
 *
 * The budget: a series stops when its first FAILURE_BUDGET_FIRST (20) execs all
 * failed, or when, after FAILURE_BUDGET_AFTER (100) execs, more than
 * FAILURE_BUDGET_PERCENT (1) % of its execs failed. */
#ifndef ASLR_FAILURES_H
#define ASLR_FAILURES_H

#include <stddef.h>
#include <stdint.h>

enum failure_kind {
	FAILURE_EXIT,      /* exited with a non-zero status */
	FAILURE_SIGNAL,    /* died by a signal */
	FAILURE_TIMEOUT,   /* ran past --timeout and was killed */
	FAILURE_OVERFLOW,  /* wrote more than a record can hold */
	FAILURE_EMPTY,     /* printed nothing */
	FAILURE_MALFORMED, /* printed something that is not a record */
	FAILURE_REGIONS,   /* a record whose region names differ from the first one */
	FAILURE_EXEC,      /* execve (or a step before it) failed */
	FAILURE_TRACE,     /* a traced program could not be stopped or read at its entry point */
	FAILURE_KINDS
};

enum { FAILURE_EXAMPLE = 320 }; /* room for a loader's message with a long path */

enum { FAILURE_BUDGET_FIRST = 20, FAILURE_BUDGET_AFTER = 100, FAILURE_BUDGET_PERCENT = 1 };

struct failure_tally {
	uint64_t execs;
	uint64_t failed;
	uint64_t count[FAILURE_KINDS];
	char example[FAILURE_KINDS][FAILURE_EXAMPLE]; /* the first of each kind */
};

/* Stable name of a kind, as used in run.json ("exit", "signal", ...). */
const char *failure_kind_name(enum failure_kind kind);

/* Count one exec; kind < 0 for a success. example is kept if it is the first of its kind. */
void failure_tally_count(struct failure_tally *tally, int kind, const char *example);

/* 1 when the budget above is exhausted. */
int failure_budget_exceeded(const struct failure_tally *tally);

/* "12 failures in 140 execs: 10 signal (e.g. ...), 2 empty (e.g. ...)" into buf. */
void failure_tally_describe(const struct failure_tally *tally, char *buf, size_t size);

#endif
