/* guest_image.h: the initramfs of a --kernel batch: what goes in, and the guest's
 * arguments and settings (guest_proto.h).
 *
 * In: this aslr-harness (as /init too), the probe of each variant under GUEST_BIN_DIR with
 * its name (the guest harness finds them beside itself, as here), programs that options
 * name (guest_args.h), aslr-bare-loop for --kernel-bench, and all their libraries. */
#ifndef ASLR_GUEST_IMAGE_H
#define ASLR_GUEST_IMAGE_H

#include "error.h"
#include "initramfs.h"
#include "options.h"
#include "run.h"

int guest_image_write(const struct harness_options *opts, const struct run_config *cfg, int argc, char **argv,
		      const char *path, struct initramfs_stats *stats, struct aslr_error *err);

#endif
