/* probes.h: which probe program each variant runs, checked before a run starts, and
 * the user the probes run as.
 *
 * Built variants are found in a folder (the folder of aslr-harness for the command
 * line; a temp folder for the tests): variant "pie" is aslr-probe, any other variant v
 * is aslr-probe-v. --probe PATH names one probe instead, of the variant its name says. */
#ifndef ASLR_PROBES_H
#define ASLR_PROBES_H

#include <stddef.h>

#include "error.h"
#include "options.h"

struct run_config;

/* The variant name for a probe path: aslr-probe -> pie, aslr-probe-<v> -> v,
 * anything else -> its file name with other characters than [a-z0-9_-] as '_'. */
void probes_variant_name(const char *probe_path, char *name, size_t size);

/* The folder of the running executable (/proc/self/exe) into buf. 0 or -errno. */
int probes_own_dir(char *buf, size_t size, struct aslr_error *err);

/* Fill cfg's variants from opts: --probe PATH (executable, and passing probes_check_owner
 * for euid), or each of --variants (default pie) built in bin_dir. Bad input when a probe
 * is missing or not executable; -EPERM (a failed work) from the owner check. */
int probes_resolve(struct run_config *cfg, const struct harness_options *opts, const char *bin_dir, unsigned euid,
		   struct aslr_error *err);

/* For a harness running as euid: as root (0), refuse a probe that other users could
 * replace with their code (group- or world-writable, owned by another user than root and
 * euid, or in a folder anyone can write that has no sticky bit). 0 for any other euid. */
int probes_check_owner(const char *path, unsigned euid, struct aslr_error *err);

/* --user NAME (NULL: none): the probes run as NAME's uid and gid. -EPERM unless euid is
 * 0 (root); a usage error when there is no such user. */
int probes_resolve_user(struct run_config *cfg, const char *user, unsigned euid, struct aslr_error *err);

#endif
