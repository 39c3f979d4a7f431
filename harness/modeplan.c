#include "modeplan.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

const char *mode_method_name(enum mode_method method)
{
	switch (method) {
	case METHOD_SYSCTL:
		return "sysctl";
	case METHOD_PERSONALITY:
		return "personality";
	case METHOD_CURRENT:
		break;
	}
	return "current";
}

int sysctl_writable(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int mode_plan_make(struct mode_plan *plan, const struct harness_options *opts, int original,
		   int writable_rc, const char *va_path, struct aslr_error *err)
{
	memset(plan, 0, sizeof(*plan));
	plan->original = original;
	if (opts->modes_current) {
		plan->count = 1;
		plan->mode[0] = original;
		plan->method[0] = METHOD_CURRENT;
		return 0;
	}
	for (unsigned i = 0; i < opts->mode_count; i++) {
		int mode = opts->modes[i];
		plan->mode[i] = mode;
		if (writable_rc == 0)
			plan->method[i] = METHOD_SYSCTL;
		else if (mode == original)
			plan->method[i] = METHOD_CURRENT;
		else if (mode == 0)
			plan->method[i] = METHOD_PERSONALITY;
		else
			return aslr_error_at(err, -EPERM, va_path, 0, 0,
					     "mode %d needs write access (%s): run as root on a "
					     "writable /proc/sys; without it only mode 0 (through "
					     "personality) and the current mode %d can be measured",
					     mode, strerror(-writable_rc), original);
		plan->uses_sysctl |= plan->method[i] == METHOD_SYSCTL;
	}
	plan->count = opts->mode_count;
	return 0;
}
