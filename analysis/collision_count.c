#include "collision_count.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A 64-bit finalizer (MurmurHash3 fmix64): addresses differ in a few middle bits only,
 * which linear probing on the raw value would pile into runs. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* The slot holding key, or the empty slot where it would go. t->cap > 0. */
static size_t slot_of(const struct u64_slots *t, uint64_t key)
{
	size_t mask = t->cap - 1, i = (size_t)mix(key) & mask;

	while (t->key[i] != 0 && t->key[i] != key)
		i = (i + 1) & mask;
	return i;
}

static int slots_grow(struct u64_slots *t)
{
	struct u64_slots bigger = { .cap = t->cap ? 2 * t->cap : 16, .used = t->used, .with_counts = t->with_counts };

	bigger.key = calloc(bigger.cap, sizeof(*bigger.key));
	if (t->with_counts)
		bigger.count = calloc(bigger.cap, sizeof(*bigger.count));
	if (!bigger.key || (t->with_counts && !bigger.count)) {
		free(bigger.key);
		free(bigger.count);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;
		if (!t->key[i])
			continue;
		j = slot_of(&bigger, t->key[i]);
		bigger.key[j] = t->key[i];
		if (t->with_counts)
			bigger.count[j] = t->count[i];
	}
	free(t->key);
	free(t->count);
	*t = bigger;
	return 0;
}

/* Room for one more key at a load of at most 3/4. */
static int slots_reserve(struct u64_slots *t)
{
	return 4 * (t->used + 1) > 3 * t->cap ? slots_grow(t) : 0;
}

void collision_count_init(struct collision_count *c)
{
	memset(c, 0, sizeof(*c));
	c->repeated.with_counts = 1;
}

/* How often key was seen before (0, 1, or its count in repeated), then one more. */
static int seen_before(struct collision_count *c, uint64_t key, uint64_t *before)
{
	size_t i;

	if (c->seen.cap == 0 || c->seen.key[slot_of(&c->seen, key)] != key) {
		if (slots_reserve(&c->seen) < 0)
			return -ENOMEM;
		c->seen.key[slot_of(&c->seen, key)] = key;
		c->seen.used++;
		*before = 0;
		return 0;
	}
	if (c->repeated.cap && c->repeated.key[i = slot_of(&c->repeated, key)] == key) {
		*before = c->repeated.count[i]++;
		return 0;
	}
	if (slots_reserve(&c->repeated) < 0)
		return -ENOMEM;
	i = slot_of(&c->repeated, key);
	c->repeated.key[i] = key;
	c->repeated.count[i] = 2;
	c->repeated.used++;
	*before = 1;
	return 0;
}

int collision_count_add(struct collision_count *c, uint64_t value)
{
	uint64_t before;

	if (value == 0) {
		before = c->zeros++;
	} else if (seen_before(c, value, &before) < 0) {
		return -ENOMEM;
	}
	if (c->samples == 0)
		c->first = value;
	c->samples++;
	c->distinct += before == 0;
	c->pairs += before;
	c->triples += before > 1 ? (double)before * (double)(before - 1) / 2 : 0;
	return 0;
}

size_t collision_count_bytes(const struct collision_count *c)
{
	return c->seen.cap * sizeof(uint64_t) + c->repeated.cap * 2 * sizeof(uint64_t);
}

void collision_count_free(struct collision_count *c)
{
	free(c->seen.key);
	free(c->repeated.key);
	free(c->repeated.count);
	collision_count_init(c);
}
