/* guest.h: the init of a guest booted by --kernel (kernel_run.h).
 *
 * The initramfs's /init is a symlink to aslr-harness, so the kernel starts the harness as
 * process 1; it knows itself by its pid and GUEST_ARGS_PATH. As init it mounts /proc, /sys
 * and /dev, opens the serial line for results, says hello, runs the harness as a child
 * with the arguments the host chose (the sampling: modes, variants, knobs; sysctls are the
 * guest's own), sends a heartbeat with the rows so far about once a second, reaps every
 * orphan, then sends the run folder's files, the child's output and its exit status as
 * frames (guest_proto.h) and powers the guest off. It never returns. */
#ifndef ASLR_GUEST_H
#define ASLR_GUEST_H

/* 1 when this process is a guest's init (pid 1 with GUEST_ARGS_PATH present). */
int guest_is_init(void);

/* Run the guest; powers it off at the end (or, should that fail, reboots it: QEMU runs
 * with -no-reboot, so either way QEMU exits). */
_Noreturn void guest_init_main(void);

#endif
