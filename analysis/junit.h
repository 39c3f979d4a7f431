/* junit.h: verdicts as JUnit XML, the subset GitLab and Jenkins read.
 *
 *   <testsuites name="aslr-entropy" tests= failures= errors="0" skipped= time="0">
 *     <testsuite name="pie mode 2" tests= failures= errors="0" skipped= time="0">
 *       <testcase classname="aslr-entropy.pie-mode2" name="mmap_2m" time="0">
 *         <failure message="..." type="expect-knobs">the numbers</failure>
 *         <system-out>the headline</system-out>
 *       </testcase>
 *       <testcase ... name="biglib"><skipped message="absent: ...">absent: ...</skipped></testcase>
 *
 * GitLab shows testcase/@classname as the suite and testcase/@name as the test, reads
 * the failure's and skipped's text (not their attributes) and keeps only the first of
 * two tests with the same classname and name; Jenkins reads failure/@message and the
 * text, skipped/@message (else its text), and groups classnames by their last '.'. So
 * each testcase is unique by (classname, name), and the numbers are in both the message
 * and the text. A variant the harness skipped is a testsuite with one skipped testcase. A
 * shortfall --xfail accepts is skipped, its message "accepted (--xfail): SHORT OF PROMISE ..."
 * (JUnit has no expected failure; pytest writes its xfail as skipped too).
 * tests/data/junit.xsd is the schema the tests validate this against, and its comment
 * cites where those readers are documented. No timings: time="0". */
#ifndef ASLR_JUNIT_H
#define ASLR_JUNIT_H

#include "strbuf.h"
#include "verdict.h"

/* Append the whole document (UTF-8, with the XML declaration) to out. */
void junit_format(struct strbuf *out, const struct verdicts *v);

#endif
