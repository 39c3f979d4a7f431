#include "biglib.h"

/* 3 MiB of read-only data, so the library's file mapping is larger than 2 MiB. */
#define BIGLIB_BYTES (3 << 20)
static const unsigned char biglib_table[BIGLIB_BYTES] = { 1 };

int biglib_function(int x)
{
	return biglib_table[(unsigned)x % BIGLIB_BYTES];
}
