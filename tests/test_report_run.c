/* report.md's sections from run.json: the variants the harness skipped (with their reason,
 * and a key finding; a 32-bit program the kernel refused says the attack surface is closed)
 * and how a --precision run ended each series (which end, which regions stayed bounds, what
 * they need, what +-BITS buys at this N), and how many were in flight. Each test writes a run folder of its own, a
 * samples.csv and a run.json, and analyzes it as aslr-analyze does. The expected text is
 * built from the values the test wrote. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis_fixture.h"
#include "analyze.h"
#include "collision.h"
#include "finding.h"
#include "test_util.h"

#define ROWS 2000
#define M32_PATH "/opt/x/aslr-probe-m32"
#define M32_REASON "cannot be executed: execve: Exec format error (a 32-bit program: this kernel runs none)"
#define FOREIGN_REASON "cannot be executed: execve: Exec format error (an ELF file for another machine: e_machine 183)"
#define STACK_WHY "no colliding pair in 2000 samples: the report shows an upper bound, not a collision estimate"
#define HEAP_WHY "collision estimate +-0.61 bits from 26 pairs in 2000 samples, wider than +-0.5; that needs about 2930 samples"
#define HEAP_WHY_PM "collision estimate ±0.61 bits from 26 pairs in 2000 samples, wider than ±0.5; that needs about 2930 samples"

static void assert_contains(const char *text, const char *part)
{
	if (!text || !strstr(text, part))
		fail_msg("missing: \"%s\" in:\n%s", part, text ? text : "(null)");
}

static void assert_lacks(const char *text, const char *part)
{
	if (strstr(text, part))
		fail_msg("unexpected: \"%s\" in:\n%s", part, text);
}

/* A run folder with the layout samples (pie, modes 0..2) and run_json; its report.md. */
static char *report_of(const char *run_json)
{
	struct strbuf csv = { 0 };
	struct analyze_request req = { 0 };
	struct aslr_error err;
	char *dir = tu_mkdtemp(), path[600], *text;

	af_layout_csv(&csv, ROWS);
	snprintf(path, sizeof(path), "%s/samples.csv", dir);
	assert_int_equal(tu_write_file(path, csv.text), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	assert_int_equal(tu_write_file(path, run_json), 0);
	req.input = dir;
	req.no_plots = 1;
	if (analyze_run(&req, &err) < 0)
		fail_msg("analyze: %s", err.text);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	text = tu_read_file(path, NULL);
	assert_non_null(text);
	strbuf_free(&csv);
	tu_rmrf(dir);
	free(dir);
	return text;
}

/* The text between "## Key findings" and the next section. */
static char *key_findings(const char *report)
{
	const char *from = strstr(report, "\n## Key findings\n"), *to;

	assert_non_null(from);
	to = strstr(from + 1, "\n## ");
	assert_non_null(to);
	return strndup(from, (size_t)(to - from));
}

static unsigned numbered(const char *text)
{
	unsigned n = 0;

	for (const char *line = text; line; line = strchr(line + 1, '\n'))
		n += line[1] >= '1' && line[1] <= '9' && line[2] == '.';
	return n;
}

/* m32 refused as a 32-bit program, and a foreign variant: each named with its reason before
 * the full findings, each a key finding (whatever else ranks above them). */
static void test_skipped_variants(void **state)
{
	char *report = report_of("{\"host\": {\"hostname\": \"t\"}, \"kernel\": {\"mmap_rnd_compat_bits\": 8},"
				 " \"skipped\": ["
				 "{\"variant\": \"m32\", \"path\": \"" M32_PATH "\", \"cause\": \"no_32bit\","
				 " \"reason\": \"" M32_REASON "\"},"
				 "{\"variant\": \"foreign\", \"path\": \"/opt/x/foreign\", \"cause\": \"exec\","
				 " \"reason\": \"" FOREIGN_REASON "\"}]}");
	char *key = key_findings(report);
	const char *section = strstr(report, "\n## Skipped variants\n");

	(void)state;
	assert_non_null(section);
	assert_true(section < strstr(report, "\n## Findings\n"));
	assert_contains(report, "<a id=\"skipped\"></a>\n## Skipped variants");
	assert_contains(section, "- **m32** (`" M32_PATH "`): " M32_REASON ". This kernel runs no 32-bit program: "
				 "that attack surface is closed.\n");
	assert_contains(section, "- **foreign** (`/opt/x/foreign`): " FOREIGN_REASON ".\n");
	assert_contains(key, ". 32-bit programs cannot run on this kernel: m32 could not be executed");
	assert_contains(key, "vm.mmap_rnd_compat_bits = 8 random bits");
	assert_contains(key, "is an attack surface this kernel does not have (not measured). ([table](#skipped))");
	assert_contains(key, ". Skipped before sampling, so no number in this report is about them: foreign ("
			     FOREIGN_REASON ").");
	assert_true(numbered(key) <= FINDINGS_KEY_MAX);
	assert_lacks(report, "## Precision");
	free(key);
	free(report);
}

/* A --precision run: mode 2 ended at max_samples with the stack a bound and the heap wider
 * than +-0.5; mode 1 ended on the rule. */
static void test_precision_ends(void **state)
{
	char *report = report_of(
		"{\"host\": {\"hostname\": \"t\"}, \"run\": {\"precision\": {\"bits\": 0.5, \"max_samples\": 2000,"
		" \"max_time_sec\": 600}}, \"series\": ["
		"{\"variant\": \"pie\", \"mode\": 1, \"samples\": 1500, \"end\": \"precision\", \"precision\": {"
		" \"bits\": 0.5, \"end\": \"precision\", \"rows\": 1500, \"regions\": {"
		"  \"text\": {\"state\": \"done\"}, \"heap\": {\"state\": \"done\"}, \"stack\": {\"state\": \"done\"}},"
		" \"bounds\": [], \"wider\": []}},"
		"{\"variant\": \"pie\", \"mode\": 2, \"samples\": 2000, \"end\": \"max_samples\", \"precision\": {"
		" \"bits\": 0.5, \"end\": \"max_samples\", \"rows\": 2000, \"regions\": {"
		"  \"text\": {\"state\": \"done\"}, \"lib\": {\"state\": \"constant\"},"
		"  \"heap\": {\"state\": \"waiting\", \"why_not\": \"" HEAP_WHY "\"},"
		"  \"stack\": {\"state\": \"waiting\", \"why_not\": \"" STACK_WHY "\"}},"
		" \"bounds\": [\"stack\"], \"wider\": [\"heap\"]}}]}");
	const char *section = strstr(report, "\n## Precision: ±0.5 bits\n");
	double k = collision_poisson_pairs(0.5);
	char line[400];

	(void)state;
	assert_non_null(section);
	assert_contains(report, "<a id=\"precision\"></a>\n## Precision");
	assert_contains(section, "2000 samples (`--max-samples`) or 600 s (`--max-time`) per series");
	snprintf(line, sizeof(line), "k = %.1f colliding pairs", k);
	assert_contains(section, line);
	snprintf(line, sizeof(line), "(%.0f for 20 bits, %.0f for 28)", sqrt(2 * k * exp2(20)), sqrt(2 * k * exp2(28)));
	assert_contains(section, line);
	assert_contains(section, "lies in the printed 95 % interval, at most 1 bit wide, with 95 % confidence");
	snprintf(line, sizeof(line), "| pie mode 1 | 1500 | **precision**: every region that moves at ±0.5 or better "
				     "| 3 | none | none | %.1f |\n", log2(1500.0 * 1500 / (2 * k)));
	assert_contains(section, line);
	snprintf(line, sizeof(line), "| pie mode 2 | 2000 | **max_samples**: `--max-samples` reached first | 1 | stack "
				     "| heap | %.1f |\n", log2(2000.0 * 2000 / (2 * k)));
	assert_contains(section, line);
	assert_contains(section, "- pie mode 2, heap: " HEAP_WHY_PM ".\n");
	assert_contains(section, "- pie mode 2, stack: " STACK_WHY ".\n");
	assert_lacks(section, "pie mode 1, ");
	assert_lacks(report, "## Skipped variants");
	free(report);
}

/* Neither: no such section, no such finding (an empty skipped list is none). */
static void test_neither(void **state)
{
	char *report = report_of("{\"host\": {\"hostname\": \"t\"}, \"skipped\": [], \"run\": {\"samples\": 2000},"
				 " \"series\": [{\"variant\": \"pie\", \"mode\": 2, \"end\": \"samples\"}]}");

	(void)state;
	assert_contains(report, "## Key findings");
	assert_lacks(report, "## Skipped variants");
	assert_lacks(report, "## Precision");
	assert_lacks(report, "cannot run on this kernel");
	assert_lacks(report, "Skipped before sampling");
	free(report);
}

/* How many were in flight: the probes' number, the targets' (run.target_jobs) when the run
 * had targets, both when it mixed them; a target is named as one. */
static void test_in_flight(void **state)
{
	static const char *const probe = "{\"variant\": \"pie\", \"path\": \"/x/aslr-probe\", \"target\": false}";
	static const char *const target = "{\"variant\": \"python3\", \"path\": \"/usr/bin/python3\", \"target\": true}";
	char json[600], *report;

	(void)state;
	snprintf(json, sizeof(json), "{\"run\": {\"jobs\": 3, \"target_jobs\": 12}, \"probes\": [%s]}", probe);
	report = report_of(json);
	assert_contains(report, ", 3 probes in flight at once.\n");
	assert_contains(report, "Probe `pie`: /x/aslr-probe,");
	free(report);
	snprintf(json, sizeof(json), "{\"run\": {\"jobs\": 3, \"target_jobs\": 12}, \"probes\": [%s]}", target);
	report = report_of(json);
	assert_contains(report, ", 12 targets in flight at once.\n");
	assert_contains(report, "Target `python3`: /usr/bin/python3,");
	free(report);
	snprintf(json, sizeof(json), "{\"run\": {\"jobs\": 3, \"target_jobs\": 12}, \"probes\": [%s, %s]}", probe,
		 target);
	report = report_of(json);
	assert_contains(report, ", 3 probes and 12 targets in flight at once.\n");
	free(report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skipped_variants),
		cmocka_unit_test(test_precision_ends),
		cmocka_unit_test(test_neither),
		cmocka_unit_test(test_in_flight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
