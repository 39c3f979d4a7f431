/* record.h: the probe's record line, its formatter and its strict parser.
 *
 *   aslr-probe/1 text=0x55d0c0a01189 heap=0x55d0c1b2e2a0 ...\n
 *
 * One line, the tag, then " name=0xHEX" pairs: names match [a-z][a-z0-9_]*
 * (at most RECORD_NAME_MAX characters), each name at most once, hex lowercase,
 * 1..16 digits, the line newline-terminated and shorter than RECORD_MAX_LEN.
 * Shared by the probe (formatting) and the harness (parsing); depends on libc only,
 * so the probe stays tiny and free of sanitizers. */
#ifndef ASLR_RECORD_H
#define ASLR_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define RECORD_TAG "aslr-probe/1"

enum {
	RECORD_MAX_LEN = 4096,   /* a record, newline included, is shorter than this */
	RECORD_MAX_REGIONS = 64, /* in a record line */
	RECORD_NAME_MAX = 32,
	/* What a struct record holds: a record line carries at most RECORD_MAX_REGIONS, the
	 * layout of a traced program (harness/layout.h) one region per mapped file, up to the
	 * 256 columns of samples.csv less its 5 fixed ones. */
	RECORD_CAPACITY = 251,
};

/* A parsed record. Names point into the parsed buffer (not NUL-terminated):
 * valid as long as that buffer is. */
struct record {
	unsigned count;
	const char *name[RECORD_CAPACITY];
	unsigned char name_len[RECORD_CAPACITY];
	uint64_t value[RECORD_CAPACITY];
};

/* Why a record was rejected: a static string and the 0-based byte offset. */
struct record_problem {
	const char *reason;
	size_t offset;
};

/* Parse exactly len bytes (the whole output of one probe). 0, or -1 with why filled. */
int record_parse(const char *buf, size_t len, struct record *rec, struct record_problem *why);

/* The value of a lowercase hex digit, or -1. */
int record_hex_digit(char c);

/* 1 if name (len bytes) is a valid region name. */
int record_name_valid(const char *name, size_t len);

/* Format a record of n regions into buf. Returns its length (newline included),
 * or -1 when a name is invalid or the line would not fit in size or RECORD_MAX_LEN. */
int record_format(char *buf, size_t size, const char *const *names, const uint64_t *values,
		  unsigned n);

/* Lowercase hex of v with "0x" into out (at least 19 bytes); returns the length, no NUL. */
int record_hex(char *out, uint64_t v);

#endif
