#include "probeinfo.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"

static int hash_file(int fd, struct probe_info *info)
{
	unsigned char buf[1 << 16], digest[32];
	struct sha256 ctx;
	ssize_t n;

	sha256_init(&ctx);
	info->size = 0;
	while ((n = pread(fd, buf, sizeof(buf), (off_t)info->size)) > 0) {
		sha256_update(&ctx, buf, (size_t)n);
		info->size += (uint64_t)n;
	}
	if (n < 0)
		return -errno;
	sha256_final(&ctx, digest);
	sha256_hex(digest, info->sha256);
	return 0;
}

static void set_type(struct probe_info *info, unsigned type)
{
	snprintf(info->elf_type, sizeof(info->elf_type), "%s",
		 type == ET_EXEC ? "EXEC" : type == ET_DYN ? "DYN" : "other");
}

static int read_elf64(int fd, struct probe_info *info)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return -ENOEXEC;
	set_type(info, eh.e_type);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) != sizeof(ph))
			return -ENOEXEC;
		if (ph.p_type == PT_LOAD && ph.p_align > info->pt_load_align)
			info->pt_load_align = ph.p_align;
	}
	return 0;
}

static int read_elf32(int fd, struct probe_info *info)
{
	Elf32_Ehdr eh;
	Elf32_Phdr ph;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return -ENOEXEC;
	set_type(info, eh.e_type);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) != sizeof(ph))
			return -ENOEXEC;
		if (ph.p_type == PT_LOAD && ph.p_align > info->pt_load_align)
			info->pt_load_align = ph.p_align;
	}
	return 0;
}

int probe_info_read(const char *path, struct probe_info *info, struct aslr_error *err)
{
	unsigned char ident[EI_NIDENT];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	memset(info, 0, sizeof(*info));
	if (fd < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot open: %s", strerror(errno));
	rc = hash_file(fd, info);
	if (rc < 0) {
		aslr_error_at(err, rc, path, 0, 0, "cannot read: %s", strerror(-rc));
		goto out_close;
	}
	if (pread(fd, ident, sizeof(ident), 0) != sizeof(ident) || memcmp(ident, ELFMAG, SELFMAG) != 0) {
		rc = aslr_error_at(err, -ENOEXEC, path, 0, 0, "not an ELF file");
		goto out_close;
	}
	info->elf_class = ident[EI_CLASS] == ELFCLASS32 ? 32 : 64;
	rc = info->elf_class == 32 ? read_elf32(fd, info) : read_elf64(fd, info);
	if (rc < 0)
		aslr_error_at(err, rc, path, 0, 0, "truncated ELF headers");
out_close:
	close(fd);
	return rc;
}
