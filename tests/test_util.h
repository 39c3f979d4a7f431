/* test_util.h: temp folders, files and child processes for the tests. */
#ifndef ASLR_TEST_UTIL_H
#define ASLR_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A fresh folder under /tmp; free() the result, tu_rmrf() the folder. */
char *tu_mkdtemp(void);
void tu_rmrf(const char *path);

/* The same as cmocka setup/teardown: *state is the folder's path (char *). */
int tu_tmpdir_setup(void **state);
int tu_tmpdir_teardown(void **state);

/* Whole file, NUL-terminated; NULL if unreadable. */
char *tu_read_file(const char *path, size_t *len);
int tu_write_file(const char *path, const char *text);

/* Start argv[0] with stdout/stderr to the given files (NULL: /dev/null). */
pid_t tu_spawn(char *const argv[], const char *out_path, const char *err_path);
/* Run to completion; returns the wait status. */
int tu_run(char *const argv[], const char *out_path, const char *err_path);
/* The same with an environment of its own. */
int tu_run_env(char *const argv[], char *const envp[], const char *out_path, const char *err_path);

/* A CSV loaded by splitting on ',' and '\n' only: an independent reader. */
struct tu_csv {
	size_t rows, cols; /* rows excludes the header */
	char **header;     /* cols names */
	char ***cell;      /* cell[row][col] */
	char *text;
};
int tu_csv_load(const char *path, struct tu_csv *csv);
int tu_csv_col(const struct tu_csv *csv, const char *name); /* -1 if absent */
uint64_t tu_csv_u64(const struct tu_csv *csv, size_t row, int col);
void tu_csv_free(struct tu_csv *csv);

int tu_is_root(void);

/* The processes whose parent is parent (zombies included), from /proc: up to max pids
 * into out; returns how many there are. */
size_t tu_children_of(pid_t parent, pid_t *out, size_t max);

/* Whether the 32-bit probe (ASLR_BIN_DIR/aslr-probe-m32) was built and this kernel runs
 * it, found out by running it once; when it does not, why (a phrase) into why. */
enum { TU_M32_NOT_BUILT = -1, TU_M32_REFUSED = 0, TU_M32_RUNS = 1 };
int tu_m32_runs(char *why, size_t size);

/* Copy the file from to `to`, with mode. 0 or -1. */
int tu_copy_file(const char *from, const char *to, unsigned mode);

/* Copy the ELF file from to `to` (mode 0755) with its e_machine made EM_AARCH64: a program
 * this x86-64 kernel refuses with ENOEXEC, as it refuses a 32-bit one when it runs without
 * ia32 emulation. 0 or -1. */
int tu_foreign_elf(const char *from, const char *to);

/* 1 when gnuplot runs (gnuplot --version exits 0). */
int tu_have_gnuplot(void);

/* The integer a file (a sysctl, say) holds; -1 when unreadable. */
int tu_read_int(const char *path);
/* Poll every 10 ms, up to 10 s: 1 once path reads want / holds at least lines lines. */
int tu_wait_int(const char *path, int want);
int tu_wait_lines(const char *path, int lines);

/* A temp folder with the paths a harness test uses: out (the run folder, not created)
 * and log (stderr). As cmocka setup/teardown: *state is the struct tu_run_dirs. */
struct tu_run_dirs {
	char *dir;
	char out[600];
	char log[600];
};
int tu_run_dirs_setup(void **state);
int tu_run_dirs_teardown(void **state);

#endif
