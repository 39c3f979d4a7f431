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

/* mkdir -p path (mode 0755): aslr_folder_create (folder.h). An existing folder is fine;
 * a symlink or a file at path is refused. */
int outdir_create(const char *path, struct aslr_error *err);

/* Point <parent>/latest at <name> (relative), replacing an older link atomically. */
int outdir_link_latest(const char *parent, const char *name, struct aslr_error *err);

/* The run folder into buf: given (--out DIR; created when missing), or when given is
 * NULL a new outdir_default_path under parent for now and this machine's host name and
 * kernel release, with <parent>/latest pointing at it. A latest link that cannot be made
 * does not fail the run: warning says why ("" when all went well). 0 or -errno. */
int outdir_prepare(char *buf, size_t size, const char *given, const char *parent, time_t now, char *warning,
		   size_t warning_size, struct aslr_error *err);

#endif
