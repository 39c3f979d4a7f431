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

/* The program headers' largest PT_LOAD alignment and the ELF type, for either class. */
static int read_elf(int fd, int elf_class, struct probe_info *info)
{
	union { Elf64_Ehdr e64; Elf32_Ehdr e32; } eh;
	union { Elf64_Phdr p64; Elf32_Phdr p32; } ph;
	size_t eh_size = elf_class == 64 ? sizeof(eh.e64) : sizeof(eh.e32);
	size_t ph_size = elf_class == 64 ? sizeof(ph.p64) : sizeof(ph.p32);
	uint64_t phoff;
	unsigned phnum, phentsize;

	if (pread(fd, &eh, eh_size, 0) != (ssize_t)eh_size)
		return -ENOEXEC;
	set_type(info, elf_class == 64 ? eh.e64.e_type : eh.e32.e_type);
	phoff = elf_class == 64 ? eh.e64.e_phoff : eh.e32.e_phoff;
	phnum = elf_class == 64 ? eh.e64.e_phnum : eh.e32.e_phnum;
	phentsize = elf_class == 64 ? eh.e64.e_phentsize : eh.e32.e_phentsize;
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t type, align;
		if (pread(fd, &ph, ph_size, (off_t)(phoff + (uint64_t)i * phentsize)) != (ssize_t)ph_size)
			return -ENOEXEC;
		type = elf_class == 64 ? ph.p64.p_type : ph.p32.p_type;
		align = elf_class == 64 ? ph.p64.p_align : ph.p32.p_align;
		if (type == PT_LOAD && align > info->pt_load_align)
			info->pt_load_align = align;
	}
	return 0;
}

int file_sha256(const char *path, uint64_t *size, char hex[65], struct aslr_error *err)
{
	struct probe_info info = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? -errno : hash_file(fd, &info);

	if (fd >= 0)
		close(fd);
	if (rc < 0)
		return aslr_error_at(err, rc, path, 0, 0, "cannot read: %s", strerror(-rc));
	*size = info.size;
	memcpy(hex, info.sha256, 65);
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
	rc = read_elf(fd, info->elf_class, info);
	if (rc < 0)
		aslr_error_at(err, rc, path, 0, 0, "truncated ELF headers");
out_close:
	close(fd);
	return rc;
}
