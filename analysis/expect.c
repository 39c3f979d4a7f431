#include "expect.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "runmeta.h"

/* Which kernel rule places a region (expect.h lists the names). */
enum region_class { CLASS_NONE, CLASS_MMAP, CLASS_VDSO, CLASS_TLS, CLASS_EXEC, CLASS_STACK };

/* x86_64's STACK_RND_MASK (arch/x86/include/asm/elf.h): 0x3fffff pages, 0x7ff for a 32-bit task. */
enum { STACK_RND_BITS_64 = 22, STACK_RND_BITS_32 = 11 };

/* The program a series ran: its ELF class and type. */
struct program {
	int known;
	int bits32; /* ELFCLASS32: the compat knob and stack mask */
	int fixed;  /* ET_EXEC: loaded at its link address */
};

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static enum region_class region_class(const char *name)
{
	static const char *const mmap_area[] = { "mmap", "libc", "ld", "biglib", "thread_stack" };
	static const char *const exec[] = { "text", "data", "bss", "exe" };

	for (size_t i = 0; i < sizeof(mmap_area) / sizeof(*mmap_area); i++)
		if (strcmp(name, mmap_area[i]) == 0)
			return CLASS_MMAP;
	if (starts_with(name, "mmap_") || starts_with(name, "lib_"))
		return CLASS_MMAP;
	for (size_t i = 0; i < sizeof(exec) / sizeof(*exec); i++)
		if (strcmp(name, exec[i]) == 0)
			return CLASS_EXEC;
	if (strcmp(name, "vdso") == 0 || strcmp(name, "vvar") == 0)
		return CLASS_VDSO;
	if (strcmp(name, "tls") == 0)
		return CLASS_TLS;
	if (strcmp(name, "stack") == 0 || strcmp(name, "argv") == 0)
		return CLASS_STACK;
	return CLASS_NONE;
}

static const json_t *run_field(const struct analysis *a, const char *object, const char *key)
{
	return a->run ? json_object_get(json_object_get((const json_t *)a->run, object), key) : NULL;
}

static const char *uname_field(const struct analysis *a, const char *key)
{
	const json_t *v = json_object_get(run_field(a, "host", "uname"), key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int is_x86_64(const struct analysis *a)
{
	const char *machine = uname_field(a, "machine");

	return machine && strcmp(machine, "x86_64") == 0;
}

/* 1 when the sampled kernel's release (runmeta.h: the guest's under QEMU, else the host's)
 * is major.minor or later ("6.18.44-fc" >= 6.9). */
static int release_at_least(const struct analysis *a, int major, int minor)
{
	const char *release = a->run ? runmeta_kernel_release(a->run) : NULL;
	int ma, mi;

	if (!release || sscanf(release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

/* The knob's value during series s: its own when swept, else run.json's; -1 unknown. */
static int knob_value(const struct analysis *a, unsigned s, int knob)
{
	int v = analysis_knob(a->series[s].series, knob);
	const json_t *j;

	if (v >= 0)
		return v;
	j = run_field(a, "kernel", analysis_knob_name(knob));
	return json_is_integer(j) ? (int)json_integer_value(j) : -1;
}

/* The project's own variants, for a run without run.json's probes. */
static struct program program_by_name(const char *variant)
{
	static const char *const pies[] = { "pie", "static-pie", "pie2m", "biglib", "thread" };
	struct program p = { 0 };

	if (strcmp(variant, "nopie") == 0)
		p = (struct program){ .known = 1, .fixed = 1 };
	else if (strcmp(variant, "m32") == 0)
		p = (struct program){ .known = 1, .bits32 = 1 };
	for (size_t i = 0; i < sizeof(pies) / sizeof(*pies); i++)
		p.known |= strcmp(variant, pies[i]) == 0;
	return p;
}

static struct program program_of(const struct analysis *a, unsigned s)
{
	const char *variant = a->series[s].series->variant;
	const json_t *probes = a->run ? json_object_get((const json_t *)a->run, "probes") : NULL;
	const json_t *p;
	size_t i;

	json_array_foreach(probes, i, p) {
		const json_t *name = json_object_get(p, "variant"), *cls = json_object_get(p, "elf_class"),
			     *type = json_object_get(p, "elf_type");
		if (!json_is_string(name) || strcmp(json_string_value(name), variant) != 0)
			continue;
		if (!json_is_integer(cls) || !json_is_string(type))
			break;
		return (struct program){ .known = 1, .bits32 = json_integer_value(cls) == 32,
					 .fixed = strcmp(json_string_value(type), "EXEC") == 0 };
	}
	return program_by_name(variant);
}

/* 1 when series s has a present region named name. */
static int has_region(const struct analysis *a, unsigned s, const char *name)
{
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (strcmp(a->table->region[r], name) == 0)
			return !a->series[s].region[r].absent;
	return 0;
}

/* The mmap knob's promise for program p: its bits and basis, or -1 unknown. */
static int mmap_promise(const struct analysis *a, unsigned s, const struct program *p, enum expect_basis *basis)
{
	*basis = p->bits32 ? EXPECT_MMAP_COMPAT : EXPECT_MMAP_RND;
	return knob_value(a, s, p->bits32 ? 1 : 0);
}

/* What class c promises in mode 1 or 2 for series s; -1 when nothing. */
static int randomized_promise(const struct analysis *a, unsigned s, enum region_class c, enum expect_basis *basis)
{
	struct program p = program_of(a, s);

	if (!p.known)
		return -1;
	switch (c) {
	case CLASS_VDSO:
		if (p.bits32 || !is_x86_64(a) || !release_at_least(a, 6, 9))
			return -1;
		return mmap_promise(a, s, &p, basis);
	case CLASS_TLS:
		return has_region(a, s, "ld") ? mmap_promise(a, s, &p, basis) : -1;
	case CLASS_MMAP:
		return mmap_promise(a, s, &p, basis);
	case CLASS_EXEC:
		if (!p.fixed)
			return mmap_promise(a, s, &p, basis);
		*basis = EXPECT_FIXED_EXEC;
		return 0;
	case CLASS_STACK:
		if (!is_x86_64(a))
			return -1;
		*basis = EXPECT_STACK_RND;
		return p.bits32 ? STACK_RND_BITS_32 : STACK_RND_BITS_64;
	case CLASS_NONE:
		break;
	}
	return -1;
}

/* The most region e's samples allow: CI upper end, the bound, 0 when constant. */
static double delivered_high(const struct region_estimate *e)
{
	switch (e->kind) {
	case KIND_COLLISION:
		return isfinite(e->collision_ci_high) ? e->collision_ci_high : e->estimate_bits;
	case KIND_RANGE:
	case KIND_BIT_ENTROPY_SUM:
		return e->estimate_bits;
	case KIND_CONSTANT:
		return 0;
	case KIND_INSUFFICIENT:
		break;
	}
	return NAN;
}

void expect_judge(int promised_bits, enum expect_basis basis, const struct region_estimate *e,
		  struct expectation *out)
{
	*out = (struct expectation){ .basis = basis, .promised_bits = promised_bits, .delivered_bits = e->estimate_bits,
				     .kind = e->kind, .delivered_high = delivered_high(e), .shortfall_bits = NAN };
	if (basis == EXPECT_NONE || !isfinite(out->delivered_high))
		return;
	out->shortfall_bits = fmax(0, promised_bits - out->delivered_high);
	out->clearly_short = out->shortfall_bits > EXPECT_MARGIN_BITS;
}

int expect_region(const struct analysis *a, unsigned s, unsigned r, struct expectation *out)
{
	const struct region_estimate *e = &a->series[s].region[r];
	enum region_class c = region_class(a->table->region[r]);
	enum expect_basis basis = EXPECT_OFF;
	int bits = -1;

	if (c != CLASS_NONE && !e->absent)
		bits = a->series[s].series->mode == 0 ? 0 : randomized_promise(a, s, c, &basis);
	expect_judge(bits, bits < 0 ? EXPECT_NONE : basis, e, out);
	if (bits < 0)
		out->promised_bits = -1;
	return bits >= 0;
}

const char *expect_basis_name(enum expect_basis basis)
{
	switch (basis) {
	case EXPECT_OFF: return "randomize_va_space";
	case EXPECT_MMAP_RND: return "mmap_rnd_bits";
	case EXPECT_MMAP_COMPAT: return "mmap_rnd_compat_bits";
	case EXPECT_STACK_RND: return "STACK_RND_MASK";
	case EXPECT_FIXED_EXEC: return "ET_EXEC";
	case EXPECT_NONE: break;
	}
	return "none";
}

/* "mmap_2m gets 19.0 bits (range), clearly less than the 28 that vm.mmap_rnd_bits = 28 promises" */
static void short_sentence(struct strbuf *out, const struct analysis *a, unsigned s, unsigned r,
			   const struct expectation *x)
{
	strbuf_printf(out, "%s gets %.1f bits (%s", a->table->region[r], x->delivered_bits,
		      estimate_kind_name(x->kind));
	if (x->kind == KIND_COLLISION)
		strbuf_printf(out, ", 95 %% CI up to %.1f", x->delivered_high);
	strbuf_printf(out, "), %.1f fewer than the %d ", x->shortfall_bits, x->promised_bits);
	if (x->basis == EXPECT_MMAP_RND || x->basis == EXPECT_MMAP_COMPAT)
		strbuf_printf(out, "that vm.%s = %d promises", expect_basis_name(x->basis),
			      knob_value(a, s, x->basis == EXPECT_MMAP_COMPAT));
	else
		strbuf_printf(out, "that %s promises", expect_basis_name(x->basis));
}

unsigned expect_findings(struct strbuf *out, const struct analysis *a)
{
	unsigned said = 0;
	char label[SERIES_KEY_TEXT];
	struct expectation x;

	for (unsigned s = 0; s < a->series_count; s++)
		for (unsigned r = 0; r < a->table->region_count; r++) {
			if (!expect_region(a, s, r, &x) || !x.clearly_short)
				continue;
			analysis_series_label(a, s, label, sizeof(label));
			strbuf_printf(out, "- In %s, ", label);
			short_sentence(out, a, s, r, &x);
			strbuf_printf(out, " (the samples allow at most %.1f).\n", x.delivered_high);
			said++;
		}
	return said;
}

void expect_to_json(json_t *obj, const struct analysis *a, unsigned s, unsigned r)
{
	struct expectation x;
	int has = expect_region(a, s, r, &x);

	json_object_set_new(obj, "expected_bits", has ? json_integer(x.promised_bits) : json_null());
	json_object_set_new(obj, "expected_from", has ? json_string(expect_basis_name(x.basis)) : json_null());
	json_object_set_new(obj, "shortfall_bits", isfinite(x.shortfall_bits) ? json_real(x.shortfall_bits) : json_null());
	json_object_set_new(obj, "short_of_promise", json_boolean(x.clearly_short));
}

void expect_to_csv(struct strbuf *sb, const struct analysis *a, unsigned s, unsigned r)
{
	struct expectation x;

	if (!expect_region(a, s, r, &x)) {
		strbuf_printf(sb, ",,,,false");
		return;
	}
	strbuf_printf(sb, ",%d,%s,", x.promised_bits, expect_basis_name(x.basis));
	if (isfinite(x.shortfall_bits))
		strbuf_printf(sb, "%.6g", x.shortfall_bits);
	strbuf_printf(sb, ",%s", x.clearly_short ? "true" : "false");
}
