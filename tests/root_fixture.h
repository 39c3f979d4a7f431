/* root_fixture.h: for tests that run the harness as root and let it change
 * randomize_va_space (and the mmap_rnd knobs). The setup skips without root; the
 * teardown puts the original values back if a failed test left them changed (the
 * test itself checks that the harness restored them on its own). */
#ifndef ASLR_ROOT_FIXTURE_H
#define ASLR_ROOT_FIXTURE_H

#define HARNESS ASLR_BIN_DIR "/aslr-harness"
#define VA_SPACE "/proc/sys/kernel/randomize_va_space"

struct root_fixture {
	char *dir;
	char out[512];
	char log[512];
	int original;           /* randomize_va_space */
	int original_rnd_bits;  /* vm.mmap_rnd_bits */
	int original_compat;    /* vm.mmap_rnd_compat_bits */
};

int root_setup(void **state);
int root_teardown(void **state);
int read_va_space(void);
/* Wait up to 10 s for randomize_va_space to read want. */
int wait_va_space(int want);

#endif
