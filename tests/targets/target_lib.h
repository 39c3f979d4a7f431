/* target_lib.h: the small shared library the test targets link against. */
#ifndef ASLR_TARGET_LIB_H
#define ASLR_TARGET_LIB_H

int target_lib_value(void);

#endif
