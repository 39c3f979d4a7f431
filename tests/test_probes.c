/* Which probe each variant runs, in a temp folder standing for the folder of aslr-harness;
 * the owner check for a harness running as root; --user. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "probes.h"
#include "run.h"
#include "test_util.h"

/* dir/name with the given mode; its path in buf. */
static const char *make_file(const char *dir, const char *name, mode_t mode, char *buf, size_t size)
{
	assert_true(snprintf(buf, size, "%s/%s", dir, name) < (int)size);
	assert_int_equal(tu_write_file(buf, "#!/bin/sh\n"), 0);
	assert_int_equal(chmod(buf, mode), 0);
	return buf;
}

static void test_variant_name(void **state)
{
	char name[VARIANT_NAME_MAX + 1];

	(void)state;
	probes_variant_name("/usr/lib/aslr-probe", name, sizeof(name));
	assert_string_equal(name, "pie");
	probes_variant_name("build/bin/aslr-probe-static-pie", name, sizeof(name));
	assert_string_equal(name, "static-pie");
	probes_variant_name("aslr-probe-", name, sizeof(name));
	assert_string_equal(name, "aslr-probe-");
	probes_variant_name("/tmp/My Probe.1", name, sizeof(name));
	assert_string_equal(name, "_y__robe_1");
}

static void test_variants_found_in_the_folder(void **state)
{
	const char *bin = *state;
	char path[600], want[600];
	struct harness_options opts = { 0 };
	struct run_config cfg = { 0 };
	struct aslr_error err;

	make_file(bin, "aslr-probe", 0755, path, sizeof(path));
	make_file(bin, "aslr-probe-nopie", 0755, path, sizeof(path));
	assert_int_equal(probes_resolve(&cfg, &opts, bin, 0, &err), 0); /* no --variants: pie */
	assert_int_equal(cfg.variant_count, 1);
	assert_string_equal(cfg.variants[0].name, "pie");
	snprintf(want, sizeof(want), "%s/aslr-probe", bin);
	assert_string_equal(cfg.variants[0].probe, want);
	assert_int_equal(harness_parse_variants(&opts, "nopie,pie", &err), 0);
	assert_int_equal(probes_resolve(&cfg, &opts, bin, 0, &err), 0);
	assert_int_equal(cfg.variant_count, 2);
	snprintf(want, sizeof(want), "%s/aslr-probe-nopie", bin);
	assert_string_equal(cfg.variants[0].probe, want);
	assert_string_equal(cfg.variants[1].name, "pie");
	assert_int_equal(harness_parse_variants(&opts, "pie,m32", &err), 0);
	assert_int_equal(probes_resolve(&cfg, &opts, bin, 0, &err), -ENOENT);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	snprintf(want, sizeof(want), "%s/aslr-probe-m32", bin);
	assert_string_equal(err.file, want);
	assert_string_equal(err.text, "variant 'm32' is not built here");
}

static void test_probe_path(void **state)
{
	const char *dir = *state;
	char path[600];
	struct harness_options opts = { .probe_path = path };
	struct run_config cfg = { 0 };
	struct aslr_error err;

	make_file(dir, "my-probe", 0644, path, sizeof(path));
	assert_int_equal(probes_resolve(&cfg, &opts, "/nowhere", 1000, &err), -EACCES);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_non_null(strstr(err.text, "probe is not executable"));
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(probes_resolve(&cfg, &opts, "/nowhere", 1000, &err), 0);
	assert_int_equal(cfg.variant_count, 1);
	assert_string_equal(cfg.variants[0].name, "my-probe");
	assert_string_equal(cfg.variants[0].probe, path);
}

/* What the check must say for a harness running as root, from the file's own owner. */
static int owner_rule(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_uid == 0 ? 0 : -EPERM;
}

static void test_owner_check(void **state)
{
	const char *dir = *state;
	char path[600], open_dir[600], sticky_dir[600];
	struct aslr_error err;

	make_file(dir, "probe", 0755, path, sizeof(path));
	assert_int_equal(probes_check_owner(path, 0, &err), owner_rule(path));
	assert_int_equal(probes_check_owner(path, 1000, &err), 0); /* not root: nothing to guard */
	if (tu_is_root())
		assert_int_equal(chown(path, 65534, (gid_t)-1), 0); /* another user's probe */
	assert_int_equal(probes_check_owner(path, 0, &err), -EPERM);
	assert_int_equal(err.kind, ASLR_ERR_WORK);
	assert_non_null(strstr(err.text, "other users can write"));
	make_file(dir, "group-writable", 0775, path, sizeof(path));
	assert_int_equal(probes_check_owner(path, 0, &err), -EPERM);
	snprintf(open_dir, sizeof(open_dir), "%s/open", dir);
	snprintf(sticky_dir, sizeof(sticky_dir), "%s/sticky", dir);
	assert_int_equal(mkdir(open_dir, 0755), 0);
	assert_int_equal(mkdir(sticky_dir, 0755), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(chmod(sticky_dir, 01777), 0);
	make_file(sticky_dir, "probe", 0755, path, sizeof(path));
	assert_int_equal(probes_check_owner(path, 0, &err), owner_rule(path));
	make_file(open_dir, "probe", 0755, path, sizeof(path));
	if (owner_rule(path) == 0) { /* the folder is what is refused */
		assert_int_equal(probes_check_owner(path, 0, &err), -EPERM);
		assert_non_null(strstr(err.text, "in a folder anyone can write"));
	}
}

static void test_user(void **state)
{
	struct run_config cfg = { 0 };
	struct aslr_error err;

	(void)state;
	assert_int_equal(probes_resolve_user(&cfg, NULL, 1000, &err), 0);
	assert_false(cfg.drop_privileges);
	assert_int_equal(probes_resolve_user(&cfg, "root", 1000, &err), -EPERM);
	assert_int_equal(err.kind, ASLR_ERR_WORK);
	assert_int_equal(probes_resolve_user(&cfg, "no-such-user-of-aslr", 0, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_USAGE);
	assert_int_equal(probes_resolve_user(&cfg, "root", 0, &err), 0);
	assert_true(cfg.drop_privileges);
	assert_int_equal(cfg.uid, 0);
	assert_int_equal(cfg.gid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variant_name),
		cmocka_unit_test_setup_teardown(test_variants_found_in_the_folder, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_probe_path, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_owner_check, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test(test_user),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
