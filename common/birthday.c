#include "birthday.h"

#include <math.h>

double birthday_samples_for_pairs(double bits, double pairs)
{
	return sqrt(2 * pairs * exp2(bits));
}

double birthday_expected_pairs(double samples, double bits)
{
	return samples * (samples - 1) / 2 / exp2(bits);
}
