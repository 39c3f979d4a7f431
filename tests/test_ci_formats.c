/* aslr-analyze's gates and the formats test farms parse, on synthetic runs whose
 * verdicts are known by construction, read back by tools independent of this project:
 *   KTAP   by Perl's TAP::Parser, level by level (tests/ktap_parse.pl says how)
 *   JUnit  by xmllint against tests/data/junit.xsd, and its counts by xmllint --xpath
 * The run: a PIE at mmap_rnd_bits 28 on x86_64 Linux 6.18, modes 0 and 2, N = 3000; text
 * and libc over 2^28 pages, mmap_2m over 2^19 2-MiB slots (9 bits short of its promise),
 * biglib absent, the stack over 2^22 pages; run.json says the harness skipped m32. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "rng.h"
#include "strbuf.h"
#include "test_util.h"

#define ANALYZE ASLR_BIN_DIR "/aslr-analyze"
#define KTAP_PARSE ASLR_TEST_DATA "/../ktap_parse.pl"
#define XSD ASLR_TEST_DATA "/junit.xsd"
#define SKIP_REASON "exec failed: Exec format error"

enum { ROWS = 3000 };

struct fixture {
	char *dir;
	char run[600], now[600], ktap[600], junit[600], parsed[600], log[600];
};

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A run folder: libc over 2^libc_bits pages (28 as promised, or fewer). */
static void write_run(const char *dir, unsigned libc_bits, uint64_t seed)
{
	struct strbuf csv = { 0 };
	struct rng r = { seed };
	char path[700];
	json_t *run = json_pack("{s:{s:{s:s, s:s}}, s:{s:i, s:i}, s:[{s:s, s:i, s:s}], s:[{s:s, s:s, s:s}]}", "host",
				"uname", "release", "6.18.44-fc", "machine", "x86_64", "kernel", "mmap_rnd_bits", 28,
				"mmap_rnd_compat_bits", 8, "probes", "variant", "pie", "elf_class", 64, "elf_type",
				"DYN", "skipped", "variant", "m32", "path", "/x/aslr-probe-m32", "reason", SKIP_REASON);

	strbuf_printf(&csv, "variant,mode,seq,text,libc,mmap_2m,biglib,stack\n");
	for (int mode = 0; mode <= 2; mode += 2)
		for (unsigned i = 0; i < ROWS; i++) {
			unsigned long long text = 0x555555554000ULL, libc = 0x7ffff7dd0000ULL, huge = 0x7ffff7000000ULL;
			unsigned long long stack = 0x7ffffffde000ULL;
			if (mode) {
				text = 0x550000000000ULL + (rng_below(&r, 1ull << 28) << 12);
				libc = 0x7f0000000000ULL - (rng_below(&r, 1ull << libc_bits) << 12);
				huge = 0x7e0000000000ULL - (rng_below(&r, 1ull << 19) << 21);
				stack = 0x7ff000000000ULL - (rng_below(&r, 1ull << 22) << 12) - (rng_below(&r, 512) << 4);
			}
			strbuf_printf(&csv, "pie,%d,%u,0x%llx,0x%llx,0x%llx,0x0,0x%llx\n", mode, i, text, libc, huge, stack);
		}
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/samples.csv", dir);
	assert_int_equal(tu_write_file(path, csv.text), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	assert_int_equal(json_dump_file(run, path, 0), 0);
	json_decref(run);
	strbuf_free(&csv);
}

/* Skips the test when perl's TAP::Parser or xmllint cannot be run (found on PATH by env). */
static void need_tools(void)
{
	char *perl[] = { (char[]){ "/usr/bin/env" }, (char[]){ "perl" }, (char[]){ "-MTAP::Parser" }, (char[]){ "-e1" }, NULL };
	char *xmllint[] = { (char[]){ "/usr/bin/env" }, (char[]){ "xmllint" }, (char[]){ "--version" }, NULL };

	if (exit_code(tu_run(perl, NULL, NULL)) != 0) {
		print_message("skipped: perl with TAP::Parser is missing (Debian: perl)\n");
		skip();
	}
	if (exit_code(tu_run(xmllint, NULL, NULL)) != 0) {
		print_message("skipped: xmllint is missing (Debian: libxml2-utils)\n");
		skip();
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	snprintf(f->run, sizeof(f->run), "%s/run", f->dir);
	snprintf(f->now, sizeof(f->now), "%s/now", f->dir);
	snprintf(f->ktap, sizeof(f->ktap), "%s/out.ktap", f->dir);
	snprintf(f->junit, sizeof(f->junit), "%s/junit.xml", f->dir);
	snprintf(f->parsed, sizeof(f->parsed), "%s/parsed", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/log", f->dir);
	write_run(f->run, 28, 16);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* aslr-analyze with args (NULL-terminated), stdout to f->log; its exit status. */
static int analyze(struct fixture *f, ...)
{
	char *argv[24] = { (char[]){ ANALYZE } };
	int n = 1;
	va_list ap;

	va_start(ap, f);
	while (n < 23 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return exit_code(tu_run(argv, f->log, NULL));
}

/* ktap_parse.pl's reading of f->ktap, which must be well formed. */
static char *parse_ktap(struct fixture *f)
{
	char *argv[] = { (char[]){ "/usr/bin/env" }, (char[]){ "perl" }, (char[]){ KTAP_PARSE }, f->ktap, NULL };
	int code = exit_code(tu_run(argv, f->parsed, f->log));

	if (code != 0) {
		char *why = tu_read_file(f->log, NULL);
		fail_msg("ktap_parse.pl: exit %d: %s", code, why ? why : "");
	}
	return tu_read_file(f->parsed, NULL);
}

/* The expected reading: pie mode 0 all ok; pie mode 2 with libc and mmap_2m as given;
 * biglib skipped in both; m32 skipped with the harness's reason. */
static char *expected(const char *libc, const char *mmap_2m)
{
	struct strbuf sb = { 0 };
	int fails = strcmp(libc, "ok") || strcmp(mmap_2m, "ok");

	strbuf_printf(&sb, "top plan 3\ntop.1 ok pie mode 0\ntop.1 plan 5\ntop.1.1 ok text\ntop.1.2 ok libc\n"
			   "top.1.3 ok mmap_2m\ntop.1.4 skip biglib # absent: this program does not report biglib\n"
			   "top.1.5 ok stack\n");
	strbuf_printf(&sb, "top.2 %s pie mode 2\ntop.2 plan 5\ntop.2.1 ok text\ntop.2.2 %s libc\ntop.2.3 %s mmap_2m\n",
		      fails ? "not ok" : "ok", libc, mmap_2m);
	strbuf_printf(&sb, "top.2.4 skip biglib # absent: this program does not report biglib\ntop.2.5 ok stack\n"
			   "top.3 skip m32 # " SKIP_REASON "\n");
	return sb.text;
}

static void assert_ktap(struct fixture *f, const char *libc, const char *mmap_2m)
{
	char *got = parse_ktap(f), *want = expected(libc, mmap_2m);

	if (strcmp(got, want) != 0)
		fail_msg("TAP::Parser read:\n%s\nexpected:\n%s", got, want);
	free(got);
	free(want);
}

/* xmllint --xpath string(expr) on f->junit. */
static char *xpath(struct fixture *f, const char *expr)
{
	char *argv[] = { (char[]){ "/usr/bin/env" }, (char[]){ "xmllint" }, (char[]){ "--xpath" }, (char *)(uintptr_t)expr, f->junit, NULL };

	char *text;

	assert_int_equal(exit_code(tu_run(argv, f->parsed, NULL)), 0);
	text = tu_read_file(f->parsed, NULL);
	text[strcspn(text, "\n")] = '\0'; /* xmllint ends the value with a newline */
	return text;
}

static void assert_xpath(struct fixture *f, const char *expr, const char *want)
{
	char *got = xpath(f, expr);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", expr, got, want);
	free(got);
}

/* --expect-knobs: mmap_2m in mode 2 trips (exit 3); KTAP and JUnit say so. */
static void test_expect_knobs(void **state)
{
	struct fixture *f = *state;
	char *argv[] = { (char[]){ "/usr/bin/env" }, (char[]){ "xmllint" }, (char[]){ "--noout" }, (char[]){ "--schema" }, (char[]){ XSD },
			 f->junit, NULL };
	char *log;

	need_tools();
	assert_int_equal(analyze(f, f->run, "--no-plots", "--quiet", "--expect-knobs", "--ktap", f->ktap, "--junit",
				 f->junit, NULL),
			 3);
	log = tu_read_file(f->log, NULL);
	assert_non_null(strstr(log, "SHORT OF PROMISE pie mode 2 mmap_2m"));
	free(log);
	assert_ktap(f, "ok", "not ok");
	assert_int_equal(exit_code(tu_run(argv, NULL, NULL)), 0);
	/* 5 + 5 regions and the skipped variant; one failure; biglib twice and m32 skipped */
	assert_xpath(f, "string(/testsuites/@tests)", "11");
	assert_xpath(f, "string(/testsuites/@failures)", "1");
	assert_xpath(f, "string(/testsuites/@skipped)", "3");
	assert_xpath(f, "count(//testcase[failure])", "1");
	assert_xpath(f, "string(//testcase[failure]/@name)", "mmap_2m");
	assert_xpath(f, "string(//testcase[failure]/failure/@type)", "expect-knobs");
	char *message = xpath(f, "string(//testcase[failure]/failure/@message)");
	assert_non_null(strstr(message, "the 28 that mmap_rnd_bits promises"));
	free(message);
	assert_xpath(f, "string(//testsuite[@name='m32']/testcase/skipped)", SKIP_REASON);
}

/* No gate: every present region passes, exit 0; KTAP on stdout when no file is named
 * ("--ktap RUN" names the run, not a file). */
static void test_no_gate(void **state)
{
	struct fixture *f = *state;

	need_tools();
	assert_int_equal(analyze(f, "--ktap", f->run, "--no-plots", "--quiet", NULL), 0);
	rename(f->log, f->ktap);
	assert_ktap(f, "ok", "ok");
}

/* --baseline: a run whose libc fell from 28 to 12 bits trips the baseline gate (libc),
 * and with --expect-knobs too, mmap_2m as well. */
static void test_baseline(void **state)
{
	struct fixture *f = *state;
	char baseline[700], *log, *ktap;

	need_tools();
	assert_int_equal(analyze(f, f->run, "--no-plots", "--quiet", NULL), 0);
	write_run(f->now, 12, 99);
	assert_int_equal(analyze(f, f->now, "--no-plots", "--quiet", NULL), 0);
	snprintf(baseline, sizeof(baseline), "%s/summary.json", f->run);
	assert_int_equal(analyze(f, "--baseline", baseline, f->now, "--ktap=", NULL), 2); /* an empty file name */
	assert_int_equal(analyze(f, "--baseline", baseline, f->now, "--ktap", f->ktap, NULL), 3);
	assert_ktap(f, "not ok", "ok");
	assert_int_equal(analyze(f, "--baseline", baseline, f->now, "--expect-knobs", "--junit", f->junit, NULL), 3);
	assert_xpath(f, "string(//testcase[@name='libc' and failure]/failure/@type)", "expect-knobs,baseline");
	assert_xpath(f, "string(//testcase[@name='mmap_2m' and failure]/failure/@type)", "expect-knobs");
	assert_xpath(f, "string(/testsuites/@failures)", "2");
	/* --xfail accepts the shortfalls, not the regression: libc still fails, on the baseline,
	 * whose line comes first (a JUnit message is the first line); the count line says one of
	 * the two shortfalls was accepted; no empty diagnostic line */
	assert_int_equal(analyze(f, "--baseline", baseline, f->now, "--expect-knobs", "--xfail", "libc,mmap_2m",
				 "--junit", f->junit, "--ktap", f->ktap, NULL),
			 3);
	assert_xpath(f, "string(//testcase[@name='libc' and failure]/failure/@type)", "baseline");
	assert_xpath(f, "substring(//testcase[@name='libc']/failure/@message, 1, 10)", "REGRESSION");
	assert_xpath(f, "string(/testsuites/@failures)", "1");
	log = tu_read_file(f->log, NULL);
	assert_non_null(strstr(log, "2 regions clearly short of what the kernel promises (1 accepted by --xfail)"));
	free(log);
	ktap = tu_read_file(f->ktap, NULL);
	assert_null(strstr(ktap, "# \n"));
	free(ktap);
}

/* --xfail mmap_2m: its shortfall is an expected failure, "ok ... # XFAIL" in KTAP (TAP::Parser
 * reads an ok), skipped in JUnit, exit 0; the count line says so. libc, named too and not
 * short, gets a note; a name no region has is a usage error (exit 2). */
static void test_xfail(void **state)
{
	struct fixture *f = *state;
	const char *xfail_line = "top.2.3 ok mmap_2m # XFAIL accepted (--xfail): SHORT OF PROMISE pie mode 2 mmap_2m: ";
	char *got, *want, *log, *line;

	need_tools();
	assert_int_equal(analyze(f, f->run, "--no-plots", "--quiet", "--expect-knobs", "--xfail", "mmap_2m,libc",
				 "--ktap", f->ktap, "--junit", f->junit, NULL),
			 0);
	log = tu_read_file(f->log, NULL);
	assert_non_null(strstr(log, "accepted (--xfail): SHORT OF PROMISE pie mode 2 mmap_2m"));
	assert_non_null(strstr(log, "note: pie mode 2 libc is not short of its promise, though --xfail expects it"));
	assert_non_null(strstr(log, "1 region clearly short of what the kernel promises (1 accepted by --xfail)"));
	free(log);
	/* the reading is the all-ok one but for mmap_2m's line, which carries the directive */
	got = parse_ktap(f);
	want = expected("ok", "ok");
	line = strstr(got, xfail_line);
	assert_non_null(line);
	memmove(line + strlen("top.2.3 ok mmap_2m"), line + strcspn(line, "\n"), strlen(line + strcspn(line, "\n")) + 1);
	if (strcmp(got, want) != 0)
		fail_msg("TAP::Parser read:\n%s\nexpected:\n%s", got, want);
	free(got);
	free(want);
	assert_xpath(f, "string(/testsuites/@failures)", "0");
	assert_xpath(f, "string(/testsuites/@skipped)", "4");
	assert_xpath(f, "substring(//testcase[@name='mmap_2m' and skipped]/skipped/@message, 1, 18)", "accepted (--xfail)");
	assert_int_equal(analyze(f, f->run, "--no-plots", "--quiet", "--expect-knobs", "--xfail", "mmap_2n", NULL), 2);
	assert_int_equal(analyze(f, f->run, "--no-plots", "--quiet", "--xfail", "mmap_2m", NULL), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expect_knobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xfail, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
