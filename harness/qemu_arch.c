#include "qemu_arch.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"

#if defined(__x86_64__)
/* Debian's multiarch layout; the order is ld.so's ("ld.so --help": system search path). */
static const char *const dirs_x86_64[] = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib",
					   NULL };
static const char *const dirs_i386[] = { "/lib32", "/usr/lib32", "/lib/i386-linux-gnu", "/usr/lib/i386-linux-gnu",
					 "/lib", "/usr/lib", NULL };
static const struct elfdeps_dirs lib_dirs[] = {
	{ 64, EM_X86_64, dirs_x86_64 },
	{ 32, EM_386, dirs_i386 }, /* the m32 probe */
};

/* COM1 for the console (4, 64), COM2 for the frames (4, 65): 8250 drivers every x86 kernel
 * configured for a PC has built in, so no module is needed. */
static const struct qemu_arch arch = {
	.name = "x86_64", .qemu_binary = "qemu-system-x86_64", .qemu_package = "qemu-system-x86",
	.machine = "pc", .cpu_kvm = "host", .cpu_tcg = "max", .console = "ttyS0",
	.data_device = "/dev/ttyS1", .data_major = 4, .data_minor = 65, .console_major = 4, .console_minor = 64,
	.lib_dirs = lib_dirs, .lib_dir_count = sizeof(lib_dirs) / sizeof(lib_dirs[0]),
};
#else
#error "qemu_arch.c: only x86-64 guests are implemented (docs/kernels.md says what arm64 would take)"
#endif

const struct qemu_arch *qemu_arch_host(void)
{
	return &arch;
}

enum { KVM_PROBE_ITERATIONS = 65536, KVM_PROBE_LIMIT_US = 10000, KVM_PROBE_WAIT_MS = 2000 };

/* In a throw-away VM: real mode at 0x1000, DS at 0x10000:
 *   xor cx,cx; l: mov [bx],ax; add bx,64; inc ax; loop l; out 0x10,al; hlt
 * 65,536 turns of a 4-instruction loop: well under a millisecond on hardware. */
static const unsigned char probe_code[] = { 0x31, 0xc9, 0x89, 0x07, 0x83, 0xc3, 0x40, 0x40,
					    0xe2, 0xf8, 0xe6, 0x10, 0xf4 };

/* Microseconds the probe took, or -errno. Runs in the child. */
static long kvm_time_probe(int kvm)
{
	size_t size = 0x200000;
	unsigned char *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int vm = ioctl(kvm, KVM_CREATE_VM, 0), vcpu, run_size;
	struct kvm_userspace_memory_region region = { 0, 0, 0, size, (unsigned long)mem };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	struct kvm_run *run;
	double t0;

	if (mem == MAP_FAILED || vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -errno;
	memcpy(mem + 0x1000, probe_code, sizeof(probe_code));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size <= 0 || ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	sregs.cs.base = 0, sregs.cs.selector = 0, sregs.ds.base = 0x10000, sregs.ds.selector = 0x1000;
	if (run == MAP_FAILED || ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return -errno;
	t0 = aslr_now_sec();
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		return -errno;
	if (run->exit_reason != KVM_EXIT_IO)
		return -EIO;
	return (long)((aslr_now_sec() - t0) * 1e6);
}

/* The child's answer within the wait, or -ETIMEDOUT (it is killed). */
static long kvm_probe_in_child(int kvm)
{
	int fds[2];
	long us = -ETIMEDOUT;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		long v = kvm_time_probe(kvm);
		_exit(write(fds[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		if (poll(&p, 1, KVM_PROBE_WAIT_MS) == 1 && read(fds[0], &us, sizeof(us)) != sizeof(us))
			us = -EIO;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	} else {
		us = -errno;
	}
	close(fds[0]);
	return us;
}

int qemu_kvm_usable(const char *kvm_path, char *why, size_t size)
{
	const char *path = kvm_path ? kvm_path : "/dev/kvm";
	int kvm = open(path, O_RDWR | O_CLOEXEC);
	long us;

	if (kvm < 0) {
		snprintf(why, size, "cannot open %s: %s", path, strerror(errno));
		return 0;
	}
	us = ioctl(kvm, KVM_GET_API_VERSION, 0) == KVM_API_VERSION ? kvm_probe_in_child(kvm) : -ENOTSUP;
	close(kvm);
	if (us < 0)
		snprintf(why, size, "%s cannot run a test VM: %s", path, strerror((int)-us));
	else if (us > KVM_PROBE_LIMIT_US)
		snprintf(why, size, "%s runs guest code far below hardware speed (%d loop turns took %ld ms, "
			 "hardware takes under 1 ms): nested virtualization without hardware support?",
			 path, KVM_PROBE_ITERATIONS, us / 1000);
	else
		snprintf(why, size, "%d loop turns of guest code took %ld us", KVM_PROBE_ITERATIONS, us);
	return us >= 0 && us <= KVM_PROBE_LIMIT_US;
}

int qemu_find_binary(const struct qemu_arch *a, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof(dirs), "%s", path && path[0] ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (dir[0] == '/' && snprintf(buf, size, "%s/%s", dir, a->qemu_binary) < (int)size &&
		    access(buf, X_OK) == 0)
			return 0;
	return -ENOENT;
}

static int push_arg(char ***argv, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int push_arg(char ***argv, size_t *n, const char *fmt, ...)
{
	char **grown = realloc(*argv, (*n + 2) * sizeof(**argv));
	va_list ap;
	int rc;

	if (!grown)
		return -ENOMEM;
	*argv = grown;
	va_start(ap, fmt);
	rc = vasprintf(&grown[*n], fmt, ap);
	va_end(ap);
	if (rc < 0) {
		grown[*n] = NULL; /* the list stays terminated for qemu_command_free */
		return -ENOMEM;
	}
	grown[++*n] = NULL;
	return 0;
}

int qemu_command(const struct qemu_arch *a, const struct qemu_params *p, char ***argv, struct aslr_error *err)
{
	static const char *const fixed[] = { "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot" };
	size_t n = 0;
	int rc = 0;

	*argv = NULL;
	rc |= push_arg(argv, &n, "%s", p->binary);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		rc |= push_arg(argv, &n, "%s", fixed[i]);
	rc |= push_arg(argv, &n, "-machine");
	rc |= push_arg(argv, &n, "%s", a->machine);
	rc |= push_arg(argv, &n, "-accel");
	rc |= push_arg(argv, &n, "%s", p->kvm ? "kvm" : "tcg,thread=multi");
	rc |= push_arg(argv, &n, "-cpu");
	rc |= push_arg(argv, &n, "%s", p->kvm ? a->cpu_kvm : a->cpu_tcg);
	rc |= push_arg(argv, &n, "-smp");
	rc |= push_arg(argv, &n, "%u", p->cpus);
	rc |= push_arg(argv, &n, "-m");
	rc |= push_arg(argv, &n, "%u", p->memory_mb);
	rc |= push_arg(argv, &n, "-kernel");
	rc |= push_arg(argv, &n, "%s", p->image);
	rc |= push_arg(argv, &n, "-initrd");
	rc |= push_arg(argv, &n, "%s", p->initramfs);
	rc |= push_arg(argv, &n, "-append");
	rc |= push_arg(argv, &n, "console=%s panic=-1%s%s", a->console, p->append ? " " : "", p->append ? p->append : "");
	rc |= push_arg(argv, &n, "-serial");
	rc |= push_arg(argv, &n, "file:/dev/fd/%d", p->console_fd);
	rc |= push_arg(argv, &n, "-serial");
	rc |= push_arg(argv, &n, "file:/dev/fd/%d", p->data_fd);
	if (rc < 0) {
		qemu_command_free(*argv);
		*argv = NULL;
		return aslr_error_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

void qemu_command_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}
