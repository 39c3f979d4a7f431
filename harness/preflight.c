#include "preflight.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "failures.h"
#include "trace.h"

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#define COMPAT_MACHINE EM_386
#else
#define HOST_MACHINE EM_NONE
#define COMPAT_MACHINE EM_NONE
#endif

/* The first bytes of path; how many were read (0 when it cannot be read). */
static size_t read_head(const char *path, unsigned char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, buf, size, 0) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 ? (size_t)n : 0;
}

const char *preflight_cause_name(enum preflight_cause cause)
{
	static const char *const names[] = {
		[PREFLIGHT_MEASURABLE] = "", [PREFLIGHT_NO_32BIT] = "no_32bit", [PREFLIGHT_EXEC] = "exec",
		[PREFLIGHT_TRACE] = "trace", [PREFLIGHT_SCRIPT] = "script", [PREFLIGHT_NO_RECORD] = "no_record",
	};

	return (unsigned)cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "";
}

void preflight_target_file(const char *path, int *elf_class, struct preflight *out)
{
	unsigned char head[EI_NIDENT];
	size_t n = read_head(path, head, sizeof(head));

	*elf_class = 64;
	out->skipped = 0;
	out->cause = PREFLIGHT_MEASURABLE;
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		out->skipped = 1;
		out->cause = PREFLIGHT_SCRIPT;
		snprintf(out->reason, sizeof(out->reason),
			 "a script (#!): the layout would be its interpreter's; give the interpreter as the target "
			 "and the script after --");
	} else if (n == sizeof(head) && memcmp(head, ELFMAG, SELFMAG) == 0 && head[EI_CLASS] == ELFCLASS32) {
		*elf_class = 32;
	}
}

enum elf_kind { NOT_ELF, ELF_COMPAT, ELF_FOREIGN, ELF_HOST };

/* What the file at path is, for an ENOEXEC; *machine gets its e_machine. */
static enum elf_kind elf_kind(const char *path, uint16_t *machine)
{
	unsigned char head[sizeof(Elf64_Ehdr)];
	size_t n = read_head(path, head, sizeof(head));

	*machine = EM_NONE;
	if (n < EI_NIDENT + 4 || memcmp(head, ELFMAG, SELFMAG) != 0)
		return NOT_ELF;
	memcpy(machine, head + EI_NIDENT + 2, sizeof(*machine)); /* e_machine, after e_type */
	if (*machine == COMPAT_MACHINE && head[EI_CLASS] == ELFCLASS32)
		return ELF_COMPAT;
	return *machine == HOST_MACHINE ? ELF_HOST : ELF_FOREIGN;
}

/* ENOEXEC: what kind of file it is. */
static void noexec_hint(const char *path, char *buf, size_t size)
{
	uint16_t machine;
	enum elf_kind kind = elf_kind(path, &machine);

	if (kind == NOT_ELF)
		snprintf(buf, size, " (not an ELF file, nor a script)");
	else if (kind == ELF_COMPAT)
		snprintf(buf, size, " (a 32-bit program: this kernel runs none; it was built without "
			 "CONFIG_IA32_EMULATION or booted with ia32_emulation=0)");
	else if (kind == ELF_FOREIGN)
		snprintf(buf, size, " (an ELF file for another machine: e_machine %u)", machine);
	else
		snprintf(buf, size, " (an ELF file this kernel refuses to load)");
}

void preflight_exec_hint(const char *path, int e, const char *user, char *buf, size_t size)
{
	buf[0] = '\0';
	if (e == ENOEXEC)
		noexec_hint(path, buf, size);
	else if (e == ENOENT && access(path, F_OK) == 0)
		snprintf(buf, size, " (its interpreter, PT_INTERP, is missing)");
	else if (e == EACCES && user)
		snprintf(buf, size, " (no permission to run it as %s, or a noexec mount; --user names another user)",
			 user);
	else if (e == EACCES)
		snprintf(buf, size, " (no permission to run it, or a noexec mount)");
}

struct trial {
	struct region_names *names;
	struct failure_tally tally;
	int kind;      /* the failure that ended the trial, or -1 */
	int code;      /* its errno (exec, trace) */
	char example[FAILURE_EXAMPLE];
};

/* A valid record ends the trial; so does a failed exec or trace, or the budget. */
static int on_trial(void *ctx, const struct probe_result *result)
{
	struct trial *t = ctx;
	struct record rec;
	char example[FAILURE_EXAMPLE];
	int kind = series_classify(result, NULL, &rec, example, sizeof(example));

	failure_tally_count(&t->tally, kind, example);
	if (kind < 0) {
		region_names_from_record(t->names, &rec);
		return SPAWN_ACCEPTED;
	}
	if (kind == FAILURE_EXEC || kind == FAILURE_TRACE || failure_budget_exceeded(&t->tally)) {
		t->kind = kind;
		t->code = result->code;
		snprintf(t->example, sizeof(t->example), "%s", t->tally.example[kind]);
		return -ECANCELED;
	}
	return SPAWN_REJECTED;
}

static void explain(const struct trial *t, const struct spawn_config *spawn, const struct preflight_context *ctx,
		    struct preflight *out)
{
	char more[256]; /* with an example and a prefix, it fits in a reason */

	out->skipped = 1;
	if (t->kind == FAILURE_TRACE || (t->kind == FAILURE_EXEC && strncmp(t->example, "PTRACE_", 7) == 0)) {
		trace_explain_refusal(t->code, ctx->scope_path, more, sizeof(more));
		snprintf(out->reason, sizeof(out->reason), "%s: %s%s%s",
			 more[0] ? "cannot be traced" : "its layout cannot be read at its entry point", t->example,
			 more[0] ? "; " : "", more);
		out->cause = PREFLIGHT_TRACE;
	} else if (t->kind == FAILURE_EXEC) {
		uint16_t machine;
		int compat = t->code == ENOEXEC && elf_kind(spawn->path, &machine) == ELF_COMPAT;

		preflight_exec_hint(spawn->path, t->code, ctx->user, more, sizeof(more));
		snprintf(out->reason, sizeof(out->reason), "cannot be executed: %s%s", t->example, more);
		out->cause = compat ? PREFLIGHT_NO_32BIT : PREFLIGHT_EXEC;
	} else {
		out->cause = PREFLIGHT_NO_RECORD;
		snprintf(out->reason, sizeof(out->reason), "%s gave no valid record in %llu execs: %s", ctx->label,
			 (unsigned long long)t->tally.execs, t->example);
	}
}

int preflight_run(const struct spawn_config *spawn, const struct preflight_context *ctx, struct region_names *names,
		  struct preflight *out, struct aslr_error *err)
{
	struct spawn_config once = *spawn;
	struct trial t = { .names = names, .kind = -1 };
	int rc;

	once.jobs = 1;
	once.target = 1;
	once.capture_stderr = 1; /* what the loader says, should the target end before its entry */
	out->skipped = 0;
	out->cause = PREFLIGHT_MEASURABLE;
	out->reason[0] = '\0';
	rc = spawn_run(&once, on_trial, &t, err);
	if (rc == SPAWN_STOPPED)
		return aslr_error_set(err, -EINTR, "interrupted");
	if (rc == -ECANCELED && t.kind >= 0) {
		explain(&t, spawn, ctx, out);
		return 0;
	}
	return rc < 0 ? rc : 0;
}
