/* biglib.h: a shared library of more than 2 MiB, built for the biglib probe variant:
 * since Linux 5.18 the kernel may align file mappings of 2 MiB or more to 2 MiB. */
#ifndef ASLR_BIGLIB_H
#define ASLR_BIGLIB_H

int biglib_function(int x);

#endif
