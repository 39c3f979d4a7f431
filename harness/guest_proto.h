/* guest_proto.h: the contract between the host (kernel_run.h, vm.h) and the init that
 * runs inside a guest (guest.h): where the initramfs puts things, and the frames the
 * guest sends back over its serial line (frame.h), in this order:
 *
 *   hello  kernel   JSON: the guest's uname, CPUs, memory, /proc/cmdline
 *   alive  rows     "<rows of samples.csv so far> <seconds sampling>", about once a second
 *   file   run.json, samples.csv   the guest harness's run folder, once it has ended
 *   bench  bare-loop  JSON: the bare exec loop's rates (--kernel-bench only)
 *   log    harness  the guest harness's stdout and stderr (its last 64 KiB)
 *   done   status   the guest harness's exit status, as decimal text
 *
 * then the guest powers off. A run is complete only with "done" and the files. */
#ifndef ASLR_GUEST_PROTO_H
#define ASLR_GUEST_PROTO_H

#define GUEST_BIN_DIR "/aslr/bin"            /* the harness and the built probes, as beside it on the host */
#define GUEST_PROBE_DIR "/aslr/probe"        /* --probe PATH (and programs of other options) */
#define GUEST_ARGS_PATH "/aslr/guest.args"   /* the guest harness's argv, NUL-terminated strings */
#define GUEST_CONF_PATH "/aslr/guest.conf"   /* "key value" lines: data, bench_execs, bench_jobs, bench_probe */
#define GUEST_OUT_DIR "/aslr/out"            /* the guest harness's --out */
#define GUEST_HARNESS GUEST_BIN_DIR "/aslr-harness"
#define GUEST_BARE_LOOP GUEST_BIN_DIR "/aslr-bare-loop"

#endif
