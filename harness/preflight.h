/* preflight.h: a trial of each variant before anything changes.
 *
 * Before any sysctl is changed, each variant (a probe or a --target) is executed in the
 * mode the machine is in until it gives a valid record; the first one names its regions
 * (every later record must carry the same). A variant that cannot give one is skipped
 * with the reason: execve failed (its errno's text, e.g. "Exec format error", and what
 * that likely means), a script was given as a target, a target exited before its entry
 * point (with the loader's last words), it cannot be traced (with what Yama's
 * ptrace_scope says), or FAILURE_BUDGET_FIRST execs gave no record. A failed exec or
 * trace ends the trial at once: it would fail the same way again. The caller decides
 * what a skip means (the run goes on with the other variants, or ends when none is
 * left). */
#ifndef ASLR_PREFLIGHT_H
#define ASLR_PREFLIGHT_H

#include "error.h"
#include "series.h"
#include "spawn.h"

enum { PREFLIGHT_REASON = 704 }; /* an example (FAILURE_EXAMPLE), what it likely means, a prefix */

/* Why a variant was skipped, for run.json's "cause" (preflight_cause_name): a 32-bit
 * program this kernel refuses (ENOEXEC: no compat layer), another failed execve, a
 * ptrace refusal, a script given as a target, no valid record. */
enum preflight_cause {
	PREFLIGHT_MEASURABLE,
	PREFLIGHT_NO_32BIT,
	PREFLIGHT_EXEC,
	PREFLIGHT_TRACE,
	PREFLIGHT_SCRIPT,
	PREFLIGHT_NO_RECORD,
};

struct preflight {
	int skipped;                   /* the variant cannot be measured */
	enum preflight_cause cause;    /* why, as a tag; PREFLIGHT_MEASURABLE when not skipped */
	char reason[PREFLIGHT_REASON]; /* why, in words, when skipped */
};

/* "no_32bit", "exec", "trace", "script", "no_record"; "" for PREFLIGHT_MEASURABLE. */
const char *preflight_cause_name(enum preflight_cause cause);

/* What the reasons mention. */
struct preflight_context {
	const char *label;      /* "the probe" or "the target" */
	const char *user;       /* the user it runs as when not the harness's (for EACCES), or NULL */
	const char *scope_path; /* Yama's ptrace_scope; NULL: the real one */
};

/* A target's file, before its trial: a script ("#!") is skipped (its layout would be
 * its interpreter's); an ELF file's class (32 or 64) goes to *elf_class (64 otherwise,
 * and execve will say what is wrong). */
void preflight_target_file(const char *path, int *elf_class, struct preflight *out);

/* Run spawn (jobs and target are set here) until it gives one valid record, whose
 * region names go to names. 0 with out filled (skipped or not), or -errno when the run
 * must stop: -EINTR (interrupted) or a spawn error, with err filled. */
int preflight_run(const struct spawn_config *spawn, const struct preflight_context *ctx, struct region_names *names,
		  struct preflight *out, struct aslr_error *err);

/* What an execve errno likely means for the file at path, e.g. for ENOEXEC "a 32-bit
 * program, and this kernel runs none". "" when there is nothing to add. */
void preflight_exec_hint(const char *path, int e, const char *user, char *buf, size_t size);

#endif
