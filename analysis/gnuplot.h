/* gnuplot.h: run a gnuplot script through a pipe (no shell: fork + execvp of
 * "gnuplot" with the script on its stdin), outputs written under temp names and
 * renamed into place only when gnuplot succeeded. */
#ifndef ASLR_GNUPLOT_H
#define ASLR_GNUPLOT_H

#include "error.h"
#include "strbuf.h"

/* A file the script writes: gnuplot writes tmp_path, renamed to final_path once it succeeded. */
struct gnuplot_output {
	char *final_path, *tmp_path; /* allocated */
};

/* A script and the files it writes, as many as it renders. Start from { 0 }. */
struct gnuplot_job {
	struct strbuf script;
	unsigned output_count, output_cap;
	struct gnuplot_output *output; /* allocated */
	int failed;                    /* out of memory while planning: gnuplot_run refuses the job */
};

/* Quote s as a gnuplot single-quoted string ('' stands for '). */
void gnuplot_quote(struct strbuf *sb, const char *s);

/* Render body (plot commands, data blocks defined earlier in the script) twice:
 * dir/name.png (pngcairo, width x height) and dir/name.svg. */
void gnuplot_render(struct gnuplot_job *job, const char *dir, const char *name, int width,
		    int height, const char *body);

/* Run the script, then rename every output into place (one gnuplot did not write is an
 * error). 0; -ENOMEM; -ENOENT when gnuplot cannot be started (not installed); -EIO when it
 * failed (err has its first error line); -errno of a rename. Frees the job either way. */
int gnuplot_run(struct gnuplot_job *job, struct aslr_error *err);

void gnuplot_job_free(struct gnuplot_job *job);

#endif
