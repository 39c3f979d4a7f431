/* modeplan.h: how each requested mode will be put in force, decided before any sampling.
 *
 *   sysctl       write randomize_va_space (needs root and a writable /proc/sys)
 *   personality  mode 0 without that permission: personality(ADDR_NO_RANDOMIZE) in
 *                each probe, as `setarch -R` does
 *   current      --modes current, or the mode already in force when we cannot write
 * Any other mode without permission is refused: samples are never written under a
 * mode that was not in force. */
#ifndef ASLR_MODEPLAN_H
#define ASLR_MODEPLAN_H

#include "error.h"
#include "options.h"

enum mode_method { METHOD_CURRENT, METHOD_SYSCTL, METHOD_PERSONALITY };

struct mode_plan {
	unsigned count;
	int mode[MAX_MODES];
	enum mode_method method[MAX_MODES];
	int original;     /* randomize_va_space when the run started */
	int uses_sysctl;  /* some series writes the sysctl */
};

const char *mode_method_name(enum mode_method method);

/* 0 when path can be opened for writing; else -errno (EACCES, EPERM, EROFS, ...). */
int sysctl_writable(const char *path);

/* Decide. writable_rc is sysctl_writable()'s answer. -EPERM with a message naming
 * the missing permission when a mode cannot be measured. */
int mode_plan_make(struct mode_plan *plan, const struct harness_options *opts, int original,
		   int writable_rc, const char *va_path, struct aslr_error *err);

#endif
