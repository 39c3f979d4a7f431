#include "series_key.h"

#include <stdio.h>
#include <string.h>

int series_key_equal(const struct series_key *a, const struct series_key *b)
{
	return a->mode == b->mode && a->rnd_bits == b->rnd_bits && a->rnd_compat_bits == b->rnd_compat_bits &&
	       strcmp(a->variant, b->variant) == 0;
}

/* A part, "<sep><value>", or nothing for -1 (a knob not swept, every mode). */
static const char *knob_part(char *buf, size_t size, const char *sep, int value)
{
	if (value < 0)
		return "";
	snprintf(buf, size, "%s%d", sep, value);
	return buf;
}

int series_key_label(const struct series_key *key, char *buf, size_t size)
{
	char mode[48], bits[48], compat[48]; /* a separator and any int */

	return snprintf(buf, size, "%s%s%s%s", key->variant, knob_part(mode, sizeof(mode), " mode ", key->mode),
			knob_part(bits, sizeof(bits), ", mmap_rnd_bits ", key->rnd_bits),
			knob_part(compat, sizeof(compat), ", mmap_rnd_compat_bits ", key->rnd_compat_bits));
}

int series_key_tag(const struct series_key *key, char *buf, size_t size)
{
	char bits[48], compat[48], mode[48];

	return snprintf(buf, size, "%s%s%s%s", key->variant, knob_part(bits, sizeof(bits), "-rnd", key->rnd_bits),
			knob_part(compat, sizeof(compat), "-compat", key->rnd_compat_bits),
			knob_part(mode, sizeof(mode), "-mode", key->mode));
}
