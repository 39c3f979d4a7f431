/* vm.h: one guest under QEMU, from start to power-off, and what it sent back.
 *
 * QEMU runs in a process group of its own with PR_SET_PDEATHSIG (it dies with the
 * harness, SIGKILL included) and is killed, group and all, on every way out of vm_run:
 * an error, a timeout, a damaged transfer, a stop signal. Its two serial lines and its
 * own output come back on pipes: the console is appended to cfg->console_log as it
 * arrives (and its last lines kept for error messages), the data line goes through the
 * frame reader (frame.h, guest_proto.h).
 *
 * Timeouts: the guest must say hello within cfg->timeout_sec of QEMU's start (the boot
 * timeout) and afterwards never stay silent on the data line for longer (the guest sends
 * a heartbeat every second); after "done", QEMU has VM_EXIT_GRACE_SEC to power off before
 * it is killed (the results are in by then). */
#ifndef ASLR_VM_H
#define ASLR_VM_H

#include <jansson.h>
#include <signal.h>
#include <stdint.h>

#include "error.h"
#include "progress.h"
#include "qemu_arch.h"
#include "strbuf.h"

enum { VM_EXIT_GRACE_SEC = 15, VM_CONSOLE_LINES = 25 };

struct vm_config {
	const struct qemu_arch *arch;
	struct qemu_params qemu;       /* console_fd and data_fd are vm_run's to set */
	double timeout_sec;
	const char *console_log;       /* the console goes here (created; appended) */
	volatile sig_atomic_t *stop;   /* set by SIGINT/SIGTERM/SIGHUP: kill QEMU, return */
	int progress;                  /* draw a progress line */
	const char *label;             /* for it */
	uint64_t expect_rows;          /* the rows the guest will write, for the progress line */
};

struct vm_result {
	char **argv;               /* QEMU's command line */
	json_t *hello;             /* the guest's hello: release, version, cpus, memory, cmdline */
	struct strbuf run_json, samples_csv, log, bench_before, bench_after;
	int have_run_json, have_samples;
	int done;                  /* the "done" frame arrived */
	int guest_status;          /* the guest harness's exit status (from "done") */
	uint64_t rows;             /* the last heartbeat's */
	double boot_sec;           /* QEMU start to hello */
	double run_sec;            /* hello to done */
	double total_sec;          /* QEMU start to its exit */
	struct strbuf console;     /* the console's last lines (about VM_CONSOLE_LINES) */
	struct strbuf qemu_output; /* what QEMU itself printed */
	int qemu_status;           /* its wait status; -1 when it was killed by us */
};

/* Boot, collect, wait for the power-off. 0 when the guest sent everything and QEMU ended;
 * SPAWN_STOPPED when *cfg->stop was set; -errno otherwise with err saying what went
 * wrong (res->console has the console's last lines). Never leaves a QEMU process. */
int vm_run(const struct vm_config *cfg, struct vm_result *res, struct aslr_error *err);
void vm_result_free(struct vm_result *res);

#endif
