/* reaper.h: nothing a probe starts outlives the run, zombies included.
 *
 * Killing a probe's process group kills what it started, but the killed processes
 * whose parent is gone are handed to the nearest "child subreaper" ancestor, or to
 * PID 1; an init that reaps lazily (containers without one, minimal VMs) keeps them as
 * zombies. So the harness makes itself a subreaper: such processes become its children,
 * and it reaps them. Three ways in:
 *  - the probe's process group, right after it is killed (spawn.c: reaper_reap_group);
 *  - any other exited child that is not a probe in flight (spawn.c, between execs);
 *  - at the end of a run, every child still there, killed and reaped (reaper_sweep):
 *    what left the probe's process group (setsid, setpgid) escapes the group kill. */
#ifndef ASLR_REAPER_H
#define ASLR_REAPER_H

#include <sys/types.h>

#include "error.h"

/* Make this process a child subreaper (prctl PR_SET_CHILD_SUBREAPER): orphans of its
 * descendants become its children. Children it forks do not inherit the setting. */
int reaper_enable(struct aslr_error *err);

/* After kill(-pgid, SIGKILL): wait for and reap every child of this process in process
 * group pgid (the probe's leftovers the harness adopted). Returns when none is left; it
 * blocks only as long as the killed processes take to die. Children in other groups
 * (the guardian, gnuplot, the other probes: each probe has a group of its own) are
 * never touched. Returns how many it reaped. */
unsigned reaper_reap_group(pid_t pgid);

/* Kill (SIGKILL) and reap every child of this process, until it has none: for the end
 * of a run, when the caller has no child of its own left (the guardian and gnuplot
 * were already waited for). Killing a live leftover hands its children to us, hence
 * the rounds. proc: the /proc folder (NULL: "/proc"), scanned for processes whose
 * parent is this one. *killed (may be NULL) gets how many were reaped. 0 or -errno. */
int reaper_sweep(const char *proc, unsigned *killed, struct aslr_error *err);

#endif
