#include "elfread.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file, mapped read-only. */
struct image {
	const unsigned char *data;
	size_t size;
	int elf_class;
};

/* A program header, the same for both classes. */
struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, filesz;
};

static int in_bounds(const struct image *im, uint64_t offset, uint64_t len)
{
	return offset <= im->size && len <= im->size - offset;
}

static int read_phdr(const struct image *im, uint64_t at, struct phdr *p)
{
	if (im->elf_class == 64) {
		Elf64_Phdr ph;
		if (!in_bounds(im, at, sizeof(ph)))
			return -ENOEXEC;
		memcpy(&ph, im->data + at, sizeof(ph));
		*p = (struct phdr){ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_filesz };
	} else {
		Elf32_Phdr ph;
		if (!in_bounds(im, at, sizeof(ph)))
			return -ENOEXEC;
		memcpy(&ph, im->data + at, sizeof(ph));
		*p = (struct phdr){ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_filesz };
	}
	return 0;
}

/* The program headers' table: offset, count and entry size, from the ELF header. */
static int header(struct image *im, unsigned *machine, uint64_t *phoff, unsigned *phnum, unsigned *phentsize)
{
	if (im->size < EI_NIDENT || memcmp(im->data, ELFMAG, SELFMAG) != 0 || im->data[EI_DATA] != ELFDATA2LSB)
		return -ENOEXEC;
	im->elf_class = im->data[EI_CLASS] == ELFCLASS64 ? 64 : im->data[EI_CLASS] == ELFCLASS32 ? 32 : 0;
	if (im->elf_class == 64 && im->size >= sizeof(Elf64_Ehdr)) {
		Elf64_Ehdr eh;
		memcpy(&eh, im->data, sizeof(eh));
		*machine = eh.e_machine, *phoff = eh.e_phoff, *phnum = eh.e_phnum, *phentsize = eh.e_phentsize;
		return 0;
	}
	if (im->elf_class == 32 && im->size >= sizeof(Elf32_Ehdr)) {
		Elf32_Ehdr eh;
		memcpy(&eh, im->data, sizeof(eh));
		*machine = eh.e_machine, *phoff = eh.e_phoff, *phnum = eh.e_phnum, *phentsize = eh.e_phentsize;
		return 0;
	}
	return -ENOEXEC;
}

/* The file offset of a virtual address, through the PT_LOAD that holds it. */
static int vaddr_to_offset(const struct image *im, const struct phdr *loads, unsigned n, uint64_t vaddr,
			   uint64_t *offset)
{
	for (unsigned i = 0; i < n; i++)
		if (vaddr >= loads[i].vaddr && vaddr - loads[i].vaddr < loads[i].filesz) {
			*offset = loads[i].offset + (vaddr - loads[i].vaddr);
			return in_bounds(im, *offset, 1) ? 0 : -ENOEXEC;
		}
	return -ENOEXEC;
}

/* A NUL-terminated string at offset, copied; NULL when it runs off the file. */
static char *string_at(const struct image *im, uint64_t offset)
{
	const unsigned char *end;

	if (!in_bounds(im, offset, 1))
		return NULL;
	end = memchr(im->data + offset, '\0', im->size - offset);
	return end ? strdup((const char *)im->data + offset) : NULL;
}

/* One dynamic entry (tag, value) of either class. */
static int dyn_entry(const struct image *im, uint64_t at, int64_t *tag, uint64_t *val)
{
	if (im->elf_class == 64) {
		Elf64_Dyn d;
		if (!in_bounds(im, at, sizeof(d)))
			return -ENOEXEC;
		memcpy(&d, im->data + at, sizeof(d));
		*tag = d.d_tag, *val = d.d_un.d_val;
	} else {
		Elf32_Dyn d;
		if (!in_bounds(im, at, sizeof(d)))
			return -ENOEXEC;
		memcpy(&d, im->data + at, sizeof(d));
		*tag = d.d_tag, *val = d.d_un.d_val;
	}
	return 0;
}

static int add_needed(struct elf_dyninfo *info, char *name)
{
	char **list = name ? realloc(info->needed, (info->needed_count + 1) * sizeof(*list)) : NULL;

	if (!list) {
		free(name);
		return -ENOMEM;
	}
	info->needed = list;
	info->needed[info->needed_count++] = name;
	return 0;
}

/* Collect the string-valued entries; needs DT_STRTAB's offset first (strtab). */
static int read_dynamic(const struct image *im, const struct phdr *dyn, uint64_t strtab, struct elf_dyninfo *info)
{
	size_t entry = im->elf_class == 64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);

	for (uint64_t at = dyn->offset; at + entry <= dyn->offset + dyn->filesz; at += entry) {
		int64_t tag;
		uint64_t val;
		char **slot;
		if (dyn_entry(im, at, &tag, &val) < 0)
			return -ENOEXEC;
		if (tag == DT_NULL)
			break;
		if (tag == DT_NEEDED) {
			char *name = string_at(im, strtab + val);
			if (!name || add_needed(info, name) < 0)
				return name ? -ENOMEM : -ENOEXEC;
			continue;
		}
		slot = tag == DT_RPATH ? &info->rpath : tag == DT_RUNPATH ? &info->runpath : NULL;
		if (slot && !*slot && !(*slot = string_at(im, strtab + val)))
			return -ENOEXEC;
	}
	return 0;
}

/* DT_STRTAB's file offset: it is a virtual address. */
static int find_strtab(const struct image *im, const struct phdr *dyn, const struct phdr *loads, unsigned n,
		       uint64_t *strtab)
{
	size_t entry = im->elf_class == 64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);

	for (uint64_t at = dyn->offset; at + entry <= dyn->offset + dyn->filesz; at += entry) {
		int64_t tag;
		uint64_t val;
		if (dyn_entry(im, at, &tag, &val) < 0 || tag == DT_NULL)
			break;
		if (tag == DT_STRTAB)
			return vaddr_to_offset(im, loads, n, val, strtab);
	}
	return -ENOEXEC;
}

/* The program headers: PT_INTERP, then PT_DYNAMIC through the PT_LOADs. */
static int parse(struct image *im, struct elf_dyninfo *info)
{
	uint64_t phoff, strtab;
	unsigned phnum, phentsize, nload = 0;
	struct phdr p, dyn = { 0 }, *loads;
	int rc = header(im, &info->machine, &phoff, &phnum, &phentsize), have_dyn = 0;

	info->elf_class = im->elf_class;
	loads = rc == 0 ? calloc(phnum + 1u, sizeof(*loads)) : NULL;
	if (rc == 0 && !loads)
		rc = -ENOMEM;
	for (unsigned i = 0; rc == 0 && i < phnum; i++) {
		if ((rc = read_phdr(im, phoff + (uint64_t)i * phentsize, &p)) < 0)
			break;
		if (p.type == PT_INTERP && !info->interp &&
		    (!in_bounds(im, p.offset, p.filesz) || !(info->interp = string_at(im, p.offset))))
			rc = -ENOEXEC;
		if (p.type == PT_LOAD)
			loads[nload++] = p;
		if (p.type == PT_DYNAMIC)
			dyn = p, have_dyn = 1;
	}
	if (rc == 0 && have_dyn && !in_bounds(im, dyn.offset, dyn.filesz))
		rc = -ENOEXEC;
	if (rc == 0 && have_dyn && (rc = find_strtab(im, &dyn, loads, nload, &strtab)) == 0)
		rc = read_dynamic(im, &dyn, strtab, info);
	free(loads);
	return rc;
}

static int map_file(const char *path, struct image *im)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_size < EI_NIDENT)
		rc = -ENOEXEC;
	if (rc == 0) {
		im->size = (size_t)st.st_size;
		im->data = mmap(NULL, im->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (im->data == MAP_FAILED)
			rc = -errno;
	}
	close(fd);
	return rc;
}

int elf_dyninfo_read(const char *path, struct elf_dyninfo *info, struct aslr_error *err)
{
	struct image im = { 0 };
	int rc = map_file(path, &im);

	memset(info, 0, sizeof(*info));
	if (rc < 0 && rc != -ENOEXEC)
		return aslr_error_at(err, rc, path, 0, 0, "%s", strerror(-rc));
	if (rc == 0) {
		rc = parse(&im, info);
		munmap((void *)(uintptr_t)im.data, im.size);
	}
	if (rc < 0)
		elf_dyninfo_free(info);
	if (rc == -ENOMEM)
		return aslr_error_set(err, rc, "out of memory");
	if (rc < 0)
		return aslr_error_input(err, rc, path, 0, 0, "not an ELF file this tool can read (little-endian "
					"ELF32/ELF64 with headers inside the file)");
	return 0;
}

void elf_dyninfo_free(struct elf_dyninfo *info)
{
	for (size_t i = 0; i < info->needed_count; i++)
		free(info->needed[i]);
	free(info->needed);
	free(info->interp);
	free(info->rpath);
	free(info->runpath);
	memset(info, 0, sizeof(*info));
}

int elf_identify(const char *path, int *elf_class, unsigned *machine)
{
	unsigned char buf[sizeof(Elf64_Ehdr)];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf), 0) : -1;
	struct image im = { buf, n > 0 ? (size_t)n : 0, 0 };
	uint64_t phoff;
	unsigned phnum, phentsize;

	if (fd < 0)
		return -errno;
	close(fd);
	if (header(&im, machine, &phoff, &phnum, &phentsize) < 0)
		return -ENOEXEC;
	*elf_class = im.elf_class;
	return 0;
}
