/* outdir.h: the run folder: its default name, its creation, results/latest. */
#ifndef ASLR_OUTDIR_H
#define ASLR_OUTDIR_H

#include <stddef.h>
#include <time.h>

#include "error.h"

/* "<parent>/<UTC yyyymmdd-hhmmss>-<host>-<release>"; characters other than
 * [A-Za-z0-9._-] in host and release become '_'. 0 or -ENAMETOOLONG. */
int outdir_default_path(char *buf, size_t size, const char *parent, time_t when,
			const char *host, const char *release);

/* mkdir -p path (mode 0755). An existing folder is fine. */
int outdir_create(const char *path, struct aslr_error *err);

/* Point <parent>/latest at <name> (relative), replacing an older link atomically. */
int outdir_link_latest(const char *parent, const char *name, struct aslr_error *err);

#endif
