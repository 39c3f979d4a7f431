/* probedir.h: the folder aslr-harness takes its probe variants from.
 *
 * The rule, for an executable in folder D:
 *  1. D's parent holds CMakeCache.txt: D is a build tree's bin/ (CMake puts every
 *     executable, probe and libaslr-biglib.so there), so the probes are in D, even when
 *     an install also sits in that tree;
 *  2. else D/RELDIR is a folder: an installed layout, RELDIR being the path from
 *     ${bindir} to ${libexecdir}/aslr-entropy (../libexec/aslr-entropy by default), so a
 *     prefix moved as a whole still finds its probes;
 *  3. else D (a copy of a bin folder, say).
 * --probe PATH bypasses the rule. */
#ifndef ASLR_PROBEDIR_H
#define ASLR_PROBEDIR_H

#include <stddef.h>

#include "error.h"

/* From ${bindir} to the installed probes, set by CMake from GNUInstallDirs. */
#ifndef ASLR_PROBE_RELDIR
#define ASLR_PROBE_RELDIR "../libexec/aslr-entropy"
#endif

/* The probe folder for an executable in exe_dir (absolute, no symlinks: what
 * /proc/self/exe gives), reldir relative to it or absolute, into buf (leading "../" of
 * reldir removed lexically). 0, or -ENAMETOOLONG when buf is too small. */
int probedir_for(const char *exe_dir, const char *reldir, char *buf, size_t size, struct aslr_error *err);

/* probedir_for the running executable (/proc/self/exe) and ASLR_PROBE_RELDIR. 0 or -errno. */
int probedir_default(char *buf, size_t size, struct aslr_error *err);

#endif
