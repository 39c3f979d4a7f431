/* gnuplot.h: run a gnuplot script through a pipe (no shell: fork + execvp of
 * "gnuplot" with the script on its stdin), outputs written under temp names and
 * renamed into place only when gnuplot succeeded. */
#ifndef ASLR_GNUPLOT_H
#define ASLR_GNUPLOT_H

#include <limits.h>

#include "error.h"
#include "strbuf.h"

enum { GNUPLOT_MAX_OUTPUTS = 64 };

struct gnuplot_job {
	struct strbuf script;
	unsigned output_count;
	char final_path[GNUPLOT_MAX_OUTPUTS][PATH_MAX];
	char tmp_path[GNUPLOT_MAX_OUTPUTS][PATH_MAX + 8];
};

/* Quote s as a gnuplot single-quoted string ('' stands for '). */
void gnuplot_quote(struct strbuf *sb, const char *s);

/* Render body (plot commands, data blocks defined earlier in the script) twice:
 * dir/name.png (pngcairo, width x height) and dir/name.svg. */
void gnuplot_render(struct gnuplot_job *job, const char *dir, const char *name, int width,
		    int height, const char *body);

/* Run the script. 0; -ENOENT when gnuplot cannot be started (not installed);
 * -EIO when it failed (err has its first error line). Frees the job's script. */
int gnuplot_run(struct gnuplot_job *job, struct aslr_error *err);

#endif
