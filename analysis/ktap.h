/* ktap.h: verdicts as KTAP version 1, the format of the kernel's own selftests
 * (Documentation/dev-tools/ktap.rst).
 *
 *   KTAP version 1
 *   # aslr-entropy run <name>: gates expect-knobs, baseline
 *   1..<series>
 *     KTAP version 1
 *     # Subtest: pie mode 2
 *     1..<regions>
 *     # mmap_2m: 19.00 bits (range [17.9, 19.0]); expected 28 (mmap_rnd_bits), shortfall 9.00
 *     # SHORT OF PROMISE pie mode 2 mmap_2m: ...
 *     not ok 12 mmap_2m
 *     ok 13 biglib # SKIP absent: this program does not report biglib
 *     ok 14 mmap_4m # XFAIL accepted (--xfail): SHORT OF PROMISE pie mode 2 mmap_4m: ...
 *   not ok 1 pie mode 2
 *   ok 2 m32 # SKIP <the harness's reason>
 *
 * One test per series, a subtest per region, indented by two spaces per level as
 * ktap.rst says; each region's headline, kind and interval as the diagnostic line before
 * its result; a failure's numbers as further diagnostic lines. A series whose every
 * region was skipped, and a variant the harness skipped, is "ok ... # SKIP reason"; a
 * shortfall --xfail accepts is "ok ... # XFAIL numbers" (kselftest's ksft_test_result_xfail). Text
 * that would break a line (newlines, '#' in a description) is replaced. */
#ifndef ASLR_KTAP_H
#define ASLR_KTAP_H

#include "strbuf.h"
#include "verdict.h"

/* Append the whole document for run_name to out. */
void ktap_format(struct strbuf *out, const struct verdicts *v, const char *run_name);

#endif
