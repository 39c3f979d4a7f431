#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rawsys.h"
#include "sysctl.h"

RAWSYS_CHILD int trace_child_prepare(pid_t parent, const char **step)
{
	long rc;

	if ((rc = rawsys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0)) < 0) {
		*step = "PR_SET_PDEATHSIG";
		return (int)-rc;
	}
	if (rawsys(SYS_getppid, 0, 0, 0, 0) != parent) {
		*step = "getppid (the harness is gone)";
		return ESRCH;
	}
	if ((rc = rawsys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0)) < 0) {
		*step = "PR_SET_NO_NEW_PRIVS";
		return (int)-rc;
	}
	if ((rc = rawsys(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0)) < 0) {
		*step = "PTRACE_TRACEME";
		return (int)-rc;
	}
	return 0;
}

void trace_child_init(struct trace_child *t, pid_t pid, int elf_class)
{
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->elf_class = elf_class;
}

static int ptrace_failed(struct aslr_error *err, const char *what, uint64_t addr)
{
	int e = errno;

	if (addr)
		return aslr_error_set(err, -e, "%s at 0x%llx: %s", what, (unsigned long long)addr, strerror(e));
	return aslr_error_set(err, -e, "%s: %s", what, strerror(e));
}

/* /proc/PID/<file> (auxv, stat: one piece) whole into buf; its path into path (64 bytes). */
static int read_proc(pid_t pid, const char *file, struct proc_buf *buf, char *path, struct aslr_error *err)
{
	int rc;

	snprintf(path, 64, "/proc/%d/%s", (int)pid, file);
	rc = proc_buf_read_small(buf, path);
	return rc < 0 ? aslr_error_at(err, rc, path, 0, 0, "cannot read: %s", strerror(-rc)) : 0;
}

static int read_auxv(struct trace_child *t, struct trace_io *io, struct aslr_error *err)
{
	char path[64];
	int rc = read_proc(t->pid, "auxv", &io->small, path, err);

	return rc < 0 ? rc : proc_auxv_parse(io->small.data, io->small.len, t->elf_class, path, &t->auxv, err);
}

/* int3 over the entry point's first byte, in the aligned word that holds it (an aligned
 * word never crosses a page). */
static int set_breakpoint(struct trace_child *t, struct aslr_error *err)
{
	uint64_t at = t->auxv.entry & ~(uint64_t)7, word;
	unsigned shift = (unsigned)(t->auxv.entry - at) * 8;
	long peeked;

	errno = 0;
	peeked = ptrace(PTRACE_PEEKTEXT, t->pid, (void *)(uintptr_t)at, NULL);
	if (peeked == -1 && errno)
		return ptrace_failed(err, "PTRACE_PEEKTEXT", at);
	word = (uint64_t)peeked;
	t->patched_at = at;
	t->patched_word = word;
	word = (word & ~((uint64_t)0xff << shift)) | ((uint64_t)0xcc << shift);
	if (ptrace(PTRACE_POKETEXT, t->pid, (void *)(uintptr_t)at, (void *)(uintptr_t)word) < 0)
		return ptrace_failed(err, "PTRACE_POKETEXT", at);
	return 0;
}

/* The instruction pointer and thread pointer at a stop: a 32-bit program on x86-64
 * keeps its thread pointer in the GS base, a 64-bit one in the FS base. */
static int read_registers(struct trace_child *t, uint64_t *ip, struct aslr_error *err)
{
#if defined(__x86_64__)
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, t->pid, NULL, &regs) < 0)
		return ptrace_failed(err, "PTRACE_GETREGS", 0);
	*ip = regs.rip;
	t->thread_pointer = t->elf_class == 32 ? regs.gs_base : regs.fs_base;
	return 0;
#else
	(void)t;
	*ip = 0;
	return aslr_error_set(err, -ENOSYS, "reading a traced program's registers is written for x86-64 only");
#endif
}

/* The stop after execve: the loader (or, static, the program) has not run yet. */
static int at_exec(struct trace_child *t, struct trace_io *io, struct aslr_error *err)
{
	uint64_t ip;
	int rc;

	t->exec_stopped = 1;
	if (ptrace(PTRACE_SETOPTIONS, t->pid, NULL, (void *)(uintptr_t)PTRACE_O_EXITKILL) < 0)
		return ptrace_failed(err, "PTRACE_SETOPTIONS", 0);
	rc = read_auxv(t, io, err);
	if (rc == 0 && !t->auxv.base) { /* static: no loader, this is the entry */
		rc = read_registers(t, &ip, err);
		if (rc == 0 && ip != t->auxv.entry)
			rc = aslr_error_set(err, -EPROTO, "a static program stopped after execve at 0x%llx, "
					    "not at its entry point 0x%llx", (unsigned long long)ip,
					    (unsigned long long)t->auxv.entry);
		t->thread_pointer = 0; /* not set up yet: no TLS region */
		return rc < 0 ? rc : TRACE_AT_ENTRY;
	}
	if (rc == 0)
		rc = set_breakpoint(t, err);
	if (rc == 0 && ptrace(PTRACE_CONT, t->pid, NULL, NULL) < 0)
		rc = ptrace_failed(err, "PTRACE_CONT", 0);
	return rc < 0 ? rc : TRACE_RUNNING;
}

int trace_on_stop(struct trace_child *t, int status, struct trace_io *io, struct aslr_error *err)
{
	int sig = WSTOPSIG(status);
	uint64_t ip;

	if (!t->exec_stopped && sig == SIGTRAP)
		return at_exec(t, io, err);
	if (t->exec_stopped && sig == SIGTRAP) {
		int rc = read_registers(t, &ip, err);
		if (rc < 0)
			return rc;
		if (ip == t->auxv.entry + 1)
			return TRACE_AT_ENTRY;
	}
	/* any other stop is a signal for the program: pass it on */
	if (ptrace(PTRACE_CONT, t->pid, NULL, (void *)(uintptr_t)sig) < 0)
		return ptrace_failed(err, "PTRACE_CONT", 0);
	return TRACE_RUNNING;
}

int trace_collect(struct trace_child *t, struct trace_io *io, struct aslr_error *err)
{
	struct proc_stat stat;
	char path[64];
	int rc = read_proc(t->pid, "stat", &io->small, path, err);

	if (rc == 0)
		rc = proc_stat_parse(io->small.data, io->small.len, path, &stat, err);
	if (rc == 0) {
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)t->pid);
		rc = maps_read(&io->maps, &io->text, path, err);
	}
	if (rc < 0)
		return rc;
	return layout_build(&io->layout,
			    &(struct layout_facts){ &io->maps, &stat, &t->auxv, t->thread_pointer }, err);
}

void trace_io_free(struct trace_io *io)
{
	proc_buf_free(&io->small);
	proc_buf_free(&io->text);
	maps_free(&io->maps);
	layout_free(&io->layout);
}

void trace_explain_refusal(int e, const char *scope_path, char *buf, size_t size)
{
	int scope = -1;

	if (e != EPERM && e != EACCES) {
		snprintf(buf, size, "%s", "");
		return;
	}
	if (sysctl_read_int(scope_path ? scope_path : TRACE_PTRACE_SCOPE, &scope, NULL) < 0)
		snprintf(buf, size, "no Yama ptrace_scope here: a seccomp filter (a container's) or a "
			 "security module refused ptrace");
	else if (scope >= 3)
		snprintf(buf, size, "kernel.yama.ptrace_scope is %d: no process may be traced until reboot", scope);
	else if (scope == 2)
		snprintf(buf, size, "kernel.yama.ptrace_scope is 2: only a process with CAP_SYS_PTRACE may trace");
	else
		snprintf(buf, size, "kernel.yama.ptrace_scope is %d, which allows it: a seccomp filter (a "
			 "container's) or a security module refused ptrace", scope);
}
