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

/* The variant name of a --target: its file name in lower case, other characters than
 * [a-z0-9_-] as '_', at most VARIANT_NAME_MAX characters. */
void probes_target_name(const char *path, char *name, size_t size);

/* The folder of the running executable (/proc/self/exe) into buf. 0 or -errno. */
int probes_own_dir(char *buf, size_t size, struct aslr_error *err);

/* Fill cfg's variants from opts: --probe PATH (executable, and passing probes_check_owner
 * for euid), or each of --variants built in bin_dir (default pie, unless there are
 * targets), then each --target (a regular, executable file; named by probes_target_name,
 * "-2", "-3", ... added when the name is taken). Bad input when a probe or target is
 * missing or not executable; -EPERM (a failed work) from the owner check. */
int probes_resolve(struct run_config *cfg, const struct harness_options *opts, const char *bin_dir, unsigned euid,
		   struct aslr_error *err);

/* For a harness running as euid: as root (0), refuse a probe that other users could
 * replace with their code (group- or world-writable, owned by another user than root and
 * euid, or in a folder anyone can write that has no sticky bit). 0 for any other euid. */
int probes_check_owner(const char *path, unsigned euid, struct aslr_error *err);

/* The user targets run as when root gives no --user: library constructors run before
 * the entry point, and they should not run as root. */
#define PROBES_TARGET_USER "nobody"

/* --user NAME (NULL: none): the probes and targets run as NAME's uid and gid (targets
 * that would run as root pass probes_check_owner). Without --user, as root (euid 0),
 * targets run as PROBES_TARGET_USER. -EPERM unless euid is 0 (root) when NAME is given;
 * a usage error when there is no such user. */
int probes_resolve_user(struct run_config *cfg, const char *user, unsigned euid, struct aslr_error *err);

#endif
