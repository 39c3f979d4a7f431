#include "analyze.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conditional.h"
#include "findings_text.h"
#include "folder.h"
#include "plots.h"
#include "runmeta.h"
#include "report.h"
#include "samples.h"
#include "summary.h"
#include "table.h"

struct inputs {
	char csv[PATH_MAX + 16];
	char run_json[PATH_MAX + 16];
	char out_dir[PATH_MAX];
};

static int resolve_inputs(struct analyze_request *req, struct inputs *in, struct aslr_error *err)
{
	struct stat st;
	const char *slash;

	if (stat(req->input, &st) < 0)
		return errno == ENOENT ? aslr_error_input(err, -ENOENT, req->input, 0, 0, "%s", strerror(ENOENT))
				       : aslr_error_at(err, -errno, req->input, 0, 0, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		snprintf(in->csv, sizeof(in->csv), "%s/samples.csv", req->input);
		snprintf(in->out_dir, sizeof(in->out_dir), "%s", req->input);
	} else {
		snprintf(in->csv, sizeof(in->csv), "%s", req->input);
		slash = strrchr(req->input, '/');
		if (slash)
			snprintf(in->out_dir, sizeof(in->out_dir), "%.*s", (int)(slash - req->input), req->input);
		else
			snprintf(in->out_dir, sizeof(in->out_dir), ".");
		if (!in->out_dir[0])
			snprintf(in->out_dir, sizeof(in->out_dir), "/");
	}
	snprintf(in->run_json, sizeof(in->run_json), "%s/run.json", in->out_dir);
	if (req->out_dir)
		snprintf(in->out_dir, sizeof(in->out_dir), "%s", req->out_dir);
	return 0;
}

/* run.json when it sits beside the samples; a broken one is bad input. */
static int load_run_json(const char *path, json_t **run, struct aslr_error *err)
{
	json_error_t jerr;

	*run = NULL;
	if (access(path, F_OK) < 0)
		return 0;
	*run = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!*run)
		return aslr_error_input(err, -EINVAL, path, jerr.line, jerr.column, "%s", jerr.text);
	if (!json_is_object(*run)) {
		json_decref(*run);
		*run = NULL;
		return aslr_error_input(err, -EINVAL, path, 1, 1, "not a JSON object");
	}
	return 0;
}

/* Plots, then report.md. A plotting failure is a warning, never an error. */
static int write_pictures_and_report(struct analyze_request *req, const struct analysis *a,
				     const json_t *run, const char *dir, struct aslr_error *err)
{
	struct plot_list plots = { 0 };
	char why[ASLR_ERROR_TEXT + 340];
	struct aslr_error plot_err;
	const char *note = NULL;
	int rc;

	if (req->no_plots) {
		note = "not drawn (asked not to)";
	} else if (plots_draw(a, runmeta_kernel_release(run), dir, &plots, &plot_err) < 0) {
		char text[ASLR_ERROR_TEXT + 300];
		size_t used = strlen(req->warning);
		aslr_error_format(&plot_err, text, sizeof(text));
		snprintf(why, sizeof(why), "no plots: %s%s", text,
			 strstr(text, "cannot be started") ? " (install gnuplot-nox)" : "");
		snprintf(req->warning + used, sizeof(req->warning) - used, "%s%s", used ? "; " : "", why);
		note = why;
	}
	snprintf(req->report, sizeof(req->report), "%s/report.md", dir);
	rc = report_write(a, run, &plots, note, dir, err);
	plot_list_free(&plots);
	return rc;
}

/* Missing cells into req->warning, one sentence per region joined by " " (cut at its
 * size, with "..."). */
static void missing_warning(struct analyze_request *req, const struct analysis *a)
{
	struct strbuf lines = { 0 };
	size_t size = sizeof(req->warning), used = 0;
	char *save = NULL;

	if (findings_missing(&lines, a, "") && lines.text)
		for (char *line = strtok_r(lines.text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			int n = snprintf(req->warning + used, size - used, "%s%s", used ? " " : "", line);
			if (n < 0 || (size_t)n >= size - used) {
				memcpy(req->warning + size - 4, "...", 4);
				break;
			}
			used += (size_t)n;
		}
	strbuf_free(&lines);
}

int analyze_run(struct analyze_request *req, struct aslr_error *err)
{
	struct inputs in;
	struct sample_table table;
	struct analysis analysis;
	json_t *run = NULL;
	int rc = resolve_inputs(req, &in, err);

	if (rc < 0)
		return rc;
	rc = load_run_json(in.run_json, &run, err);
	if (rc < 0)
		return rc;
	rc = samples_load(&table, in.csv, err);
	if (rc < 0)
		goto out_run;
	rc = analysis_compute(&analysis, &table, err);
	if (rc < 0)
		goto out_table;
	analysis.run = run;
	if (!req->no_leaks && (rc = conditional_compute(&analysis, err)) < 0)
		goto out_analysis;
	req->warning[0] = req->report[0] = '\0';
	missing_warning(req, &analysis);
	/* --out is created as the harness creates its own (after the input proved good) */
	snprintf(req->summary, sizeof(req->summary), "%s/summary.json", in.out_dir);
	rc = req->out_dir ? aslr_folder_create(in.out_dir, err) : 0;
	if (rc == 0)
		rc = summary_write(&analysis, run, in.out_dir, err);
	if (rc == 0)
		rc = write_pictures_and_report(req, &analysis, run, in.out_dir, err);
	if (rc == 0 && req->table_out)
		table_print(req->table_out, &analysis);
out_analysis:
	analysis_free(&analysis);
out_table:
	samples_free(&table);
out_run:
	json_decref(run);
	return rc;
}
