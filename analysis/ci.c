#include "ci.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "atomic_file.h"
#include "compare.h"
#include "junit.h"
#include "ktap.h"
#include "verdict.h"

/* run.json's "skipped" list, as summary.json keeps it under "run"; NULL when none. */
static json_t *load_skipped(const char *summary_path)
{
	json_t *doc = json_load_file(summary_path, 0, NULL);
	json_t *skipped = json_object_get(json_object_get(doc, "run"), "skipped");

	if (json_is_array(skipped))
		json_incref(skipped);
	else
		skipped = NULL;
	json_decref(doc);
	return skipped;
}

/* The line of text (several, '\n'-separated) that contains what, without its newline, or NULL. */
static const char *line_with(const char *text, const char *what, int *len)
{
	for (const char *line = text; line && *line; line += *len + (line[*len] == '\n')) {
		*len = (int)strcspn(line, "\n");
		const char *hit = strstr(line, what);
		if (hit && hit < line + *len)
			return line;
	}
	return NULL;
}

/* The people's lines: the baseline gate's as compare_baseline prints them, one line per
 * region short of its promise (accepted or not), the --xfail notes, and the counts. */
static void print_lines(const struct ci_request *req, const struct verdicts *v, const struct cmp_run *old,
			const struct cmp_run *now)
{
	unsigned short_count = 0;

	if (old) {
		unsigned regressions = compare_baseline(old, now, req->tolerance, req->out);
		fprintf(req->out, "%u region%s below the baseline by more than %.2f bits, beyond the sampling error\n",
			regressions, regressions == 1 ? "" : "s", req->tolerance);
	}
	for (unsigned s = 0; req->expect_knobs && s < v->series_count; s++)
		for (unsigned r = 0; r < v->series[s].region_count; r++) {
			const struct region_verdict *rv = &v->series[s].region[r];
			const char *line;
			int len;
			if ((line = line_with(rv->why, "SHORT OF PROMISE", &len))) {
				fprintf(req->out, "%.*s\n", len, line);
				short_count++;
			}
			if ((line = line_with(rv->note, "--xfail", &len)))
				fprintf(req->out, "%.*s\n", len, line);
		}
	if (req->expect_knobs && v->xfailed)
		fprintf(req->out, "%u region%s clearly short of what the kernel promises (%u accepted by --xfail)\n",
			short_count, short_count == 1 ? "" : "s", v->xfailed);
	else if (req->expect_knobs)
		fprintf(req->out, "%u region%s clearly short of what the kernel promises\n", short_count,
			short_count == 1 ? "" : "s");
}

static int write_text(const char *path, FILE *stream, const struct strbuf *sb, struct aslr_error *err)
{
	if (sb->failed)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	if (strcmp(path, "-") != 0)
		return aslr_write_file_atomic(path, sb->text, sb->len, err);
	if (fwrite(sb->text, 1, sb->len, stream) != sb->len || fflush(stream) != 0)
		return aslr_error_set(err, -EIO, "cannot write KTAP to stdout");
	return 0;
}

static int write_reports(const struct ci_request *req, const struct verdicts *v, const struct cmp_run *now,
			 struct aslr_error *err)
{
	struct strbuf ktap = { 0 }, junit = { 0 };
	int rc = 0;

	if (req->ktap) {
		ktap_format(&ktap, v, now->name);
		rc = write_text(req->ktap, req->ktap_out, &ktap, err);
	}
	if (rc == 0 && req->junit) {
		junit_format(&junit, v);
		rc = write_text(req->junit, NULL, &junit, err);
	}
	strbuf_free(&ktap);
	strbuf_free(&junit);
	return rc;
}

/* Judge, print, write; the gate's error when a region tripped. */
static int judge(const struct ci_request *req, const struct cmp_run *now, const struct cmp_run *old,
		 struct aslr_error *err)
{
	json_t *skipped = load_skipped(now->path);
	struct verdict_request vr = { .now = now, .baseline = old, .tolerance = req->tolerance,
				      .expect_knobs = req->expect_knobs, .skipped = skipped, .xfail = req->xfail,
				      .xfail_count = req->xfail_count };
	struct verdicts v;
	int rc = verdicts_build(&v, &vr, err);

	json_decref(skipped);
	if (rc < 0)
		return rc;
	print_lines(req, &v, old, now);
	rc = write_reports(req, &v, now, err);
	if (rc == 0 && v.failed)
		rc = aslr_error_gate(err, -ERANGE, "%u region%s tripped the gates (%s): %s", v.failed,
				     v.failed == 1 ? "" : "s", v.gates, v.failures.text);
	verdicts_free(&v);
	return rc;
}

int ci_run(const struct ci_request *req, struct aslr_error *err)
{
	struct cmp_run now, old;
	int rc = compare_load(&now, req->run, err);

	if (rc < 0)
		return rc;
	if (req->baseline) {
		rc = compare_load(&old, req->baseline, err);
		if (rc < 0)
			goto out_free_now;
	}
	rc = judge(req, &now, req->baseline ? &old : NULL, err);
	if (req->baseline)
		compare_free(&old);
out_free_now:
	compare_free(&now);
	return rc;
}
