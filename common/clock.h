/* clock.h: CLOCK_MONOTONIC in seconds, for rates, deadlines and progress. */
#ifndef ASLR_CLOCK_H
#define ASLR_CLOCK_H

double aslr_now_sec(void);

#endif
