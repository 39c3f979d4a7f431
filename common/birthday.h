/* birthday.h: the birthday bound, between sample counts, bits and colliding pairs.
 *
 * N samples of a region uniform over 2^H values hold about N (N - 1) / 2 / 2^H
 * colliding pairs (an expectation); so k expected pairs take N = sqrt(2 k 2^H) samples.
 * The harness sizes --preset precise with it, the analysis says how many samples a
 * collision estimate of a region would need. */
#ifndef ASLR_BIRTHDAY_H
#define ASLR_BIRTHDAY_H

/* sqrt(2 pairs 2^bits): samples for `pairs` expected colliding pairs (not rounded). */
double birthday_samples_for_pairs(double bits, double pairs);

/* samples (samples - 1) / 2 / 2^bits: the colliding pairs expected among samples. */
double birthday_expected_pairs(double samples, double bits);

#endif
