#include "blocks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int blocks_offset_constant(const struct sample_series *x, unsigned r, unsigned q)
{
	const uint64_t *u = x->column[r].data, *v = x->column[q].data;

	for (size_t i = 1; i < x->rows; i++)
		if (u[i] - v[i] != u[0] - v[0])
			return 0;
	return 1;
}

void blocks_clusters(const struct sample_series *x, const struct region_estimate *e, unsigned n, int *cluster)
{
	for (unsigned r = 0; r < n; r++) {
		cluster[r] = e[r].kind == KIND_CONSTANT ? -1 : (int)r;
		for (unsigned q = 0; q < r && cluster[r] == (int)r; q++)
			if (cluster[q] == (int)q && blocks_offset_constant(x, r, q))
				cluster[r] = (int)q;
	}
}

/* Append the cluster headed by region head when it has two or more members. */
static void add_block(struct region_blocks *out, const int *cluster, unsigned n, unsigned head)
{
	unsigned first = out->start[out->count], end = first;

	for (unsigned r = 0; r < n; r++)
		if (cluster[r] == (int)head)
			out->member[end++] = r;
	if (end - first >= 2)
		out->start[++out->count] = end;
}

int blocks_find(const struct sample_series *x, const struct region_estimate *e, unsigned n,
		struct region_blocks *out)
{
	int *cluster = calloc(n + 1, sizeof(*cluster));

	memset(out, 0, sizeof(*out));
	out->start = calloc(n / 2 + 2, sizeof(*out->start)); /* at most n / 2 blocks */
	out->member = calloc(n + 1, sizeof(*out->member));
	if (!cluster || !out->start || !out->member) {
		free(cluster);
		blocks_free(out);
		return -ENOMEM;
	}
	blocks_clusters(x, e, n, cluster);
	for (unsigned head = 0; head < n; head++)
		add_block(out, cluster, n, head);
	free(cluster);
	return 0;
}

unsigned blocks_size(const struct region_blocks *blocks, unsigned b)
{
	return blocks->start[b + 1] - blocks->start[b];
}

void blocks_free(struct region_blocks *blocks)
{
	free(blocks->start);
	free(blocks->member);
	memset(blocks, 0, sizeof(*blocks));
}
