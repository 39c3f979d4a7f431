#include "u64vec.h"

#include <errno.h>
#include <sys/mman.h>

enum { FIRST_CAP = 1 << 12 }; /* 32 KiB: one mapping's worth of pages */

int u64vec_reserve(struct u64vec *vec, size_t cap)
{
	void *p;

	if (cap <= vec->cap)
		return 0;
	if (cap > SIZE_MAX / 2 / sizeof(uint64_t))
		return -ENOMEM;
	if (!vec->data)
		p = mmap(NULL, cap * sizeof(uint64_t), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		p = mremap(vec->data, vec->cap * sizeof(uint64_t), cap * sizeof(uint64_t), MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return -ENOMEM;
	vec->data = p;
	vec->cap = cap;
	return 0;
}

int u64vec_push(struct u64vec *vec, uint64_t v)
{
	if (vec->len == vec->cap) {
		int rc = u64vec_reserve(vec, vec->cap ? vec->cap * 2 : FIRST_CAP);
		if (rc < 0)
			return rc;
	}
	vec->data[vec->len++] = v;
	return 0;
}

void u64vec_free(struct u64vec *vec)
{
	if (vec->data)
		munmap(vec->data, vec->cap * sizeof(uint64_t));
	vec->data = NULL;
	vec->len = vec->cap = 0;
}
