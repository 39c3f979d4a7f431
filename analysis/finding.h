/* finding.h: what the numbers of a run say, as data first (findings.h finds them,
 * findings_text.h writes the sentences). Never written in for a particular kernel: every finding is computed from
 * the estimates of the run's own series.
 *
 * A finding is one cause with the places it holds: a place is a set of regions (a block
 * that moves as one counts once, never each member) in a set of series (one place for
 * every series where the same regions show the same cause, across variants and modes).
 * Each finding carries the bits it costs a defender (bits_saved: what an attacker saves),
 * measured against the best the same run shows, and findings are ranked by it.
 *
 *   cause          a place's regions       before / after (bits)            bits_saved
 *   TIED           a block                 ref / 0: H(A|B) in another       before - after, the
 *                                          series (capped by H(A) here)     block's worst pair
 *   FIXED          regions never moved     best headline elsewhere (or of   before
 *                                          the series' best region) / 0
 *   LEAK           a cluster (other: the   ref / H(A|B) here, A and B of    before - after, the
 *                  other cluster)          either, the way that saves more  way that saves more
 *   BELOW_PROMISE  a cluster               promised / headline (expect.h)   shortfall not
 *                                                                           explained by alignment
 *   LOWER          a cluster               best variant at this mode /      before - after - bits
 *                                          headline                         its alignment explains
 *   ALIGNMENT      a cluster               headline + lost / headline       alignment bit - 12
 *   SKEWED         a cluster               headline / min-entropy           before - after
 *   KNOB           a cluster               at the knob's lowest / highest   |after - before|
 *   SUBPAGE        a cluster               headline / H(A|B) of its best    12 - alignment bit
 *                                          leak outside it (NAN: none that  (the sub-page bits)
 *                                          leaves a bit less)
 *   SKIPPED        none (a: the entry's     0 / 0                            0
 *                  index in run.json's
 *                  "skipped"; no series)
 *   SERIAL         a cluster               lag-1 p / runs p                 0
 *   MISSING        a region                missing cells / rows             0
 *   INSUFFICIENT   regions of a series     fewest usable samples / rows     0
 *   BOUNDS         regions of a series     widest bound / rows; needed:     0
 *                                          samples for 10 pairs at it
 *   NOTHING_MOVES  every region present    0 / 0                            0
 *   BLOCK          a block                 H(A) / 0                         0: the same in every
 *                                                                           series of the run
 *   EXTREMES       most random (other:     its headline / the other's       0
 *                  least random that moves)
 * ref for a pair (A, B) of series s: the most bits of A another series t of the same probe
 * variant (another mode or knob value) leaves once B leaked, over the series where both move
 * (0 where they move as one in t). For a block (TIED), when no such series moves A and B
 * apart, H(A) here if they are different kinds of mapping (finding_role): an executable that
 * moves with the libraries in every mode is tied all the same. For a LEAK between different
 * kinds of mapping, H(A) here: what B gives away of a mapping it should not tell about (the
 * heap 18 bits from the executable); between regions of one kind, the variant's other
 * series, as for a block. Other variants are not a
 * reference for pairs: a variant may put a region elsewhere (a static program's tls is in
 * its heap). The best headline for FIXED is of the same variant first, else of any. A
 * cluster is a block, or a region in none. The page is 2^12 bytes. Findings whose bits_saved
 * print alike (one decimal) rank by the cause listed first. SKIPPED: a variant the harness
 * could not run (run.json "skipped"), a place per variant, key 1 for those the kernel refused
 * as 32-bit programs (runmeta_skipped_no_32bit: that attack surface is closed), else 0. */
#ifndef ASLR_FINDING_H
#define ASLR_FINDING_H

#include "analysis.h"
#include "anchors.h"

enum finding_cause {
	FINDING_TIED,
	FINDING_FIXED,
	FINDING_LEAK,
	FINDING_BELOW_PROMISE,
	FINDING_LOWER,
	FINDING_ALIGNMENT,
	FINDING_SKEWED,
	FINDING_KNOB,
	FINDING_SUBPAGE,
	FINDING_SKIPPED,
	FINDING_SERIAL,
	FINDING_MISSING,
	FINDING_INSUFFICIENT,
	FINDING_BOUNDS,
	FINDING_NOTHING_MOVES,
	FINDING_BLOCK,
	FINDING_EXTREMES,
	FINDING_CAUSES
};

enum {
	FINDINGS_KEY_MAX = 7, /* Key findings: at most this many */
	FINDINGS_PAGE_BIT = 12,
};

/* A cost below this is not one: a finding needs at least 1 bit to rank among the key findings. */
#define FINDINGS_MIN_BITS 1.0

/* Numbers closer than this print alike (one decimal): a choice between them goes to the first. */
#define FINDINGS_SAME_BITS 0.05

/* The kind of mapping a region name says it is (interface.md's probe regions); unknown names
 * have none. Two regions of different kinds are expected to move apart. */
enum finding_role { ROLE_NONE, ROLE_EXECUTABLE, ROLE_HEAP, ROLE_MMAP, ROLE_STACK };

struct finding_place {
	unsigned series_count;
	unsigned *series; /* ascending indexes into a->series (allocated) */
	unsigned region_count;
	unsigned *region; /* ascending region indexes (allocated) */
	unsigned other_count;
	unsigned *other;  /* LEAK: B's cluster; EXTREMES: the least random region; else none */
	unsigned worst;   /* the series the numbers are from: the largest bits_saved */
	int a, b;         /* the pair the numbers are of (TIED, LEAK, SUBPAGE: A and its leak B;
			   * KNOB: the knob at index b; FIXED without ref_series: b is the
			   * best region of the series, the yardstick); -1 when none */
	int ref_series;   /* the series before was seen in (TIED, LEAK, FIXED, LOWER, KNOB), else -1 */
	double before, after, bits_saved; /* see the table above */
	double needed;    /* BOUNDS: samples for 10 colliding pairs at the widest bound; else NAN */
};

struct finding {
	enum finding_cause cause;
	int key;           /* ALIGNMENT: the alignment bit; KNOB: the knob; else 0 */
	double bits_saved; /* the largest of its places' */
	unsigned worst;    /* the place with it */
	unsigned place_count;
	struct finding_place *place;
	char anchor[ANCHOR_TEXT]; /* the report section with the evidence (anchors.h), "" if none */
	char plot[ANCHOR_TEXT];   /* the plot of the evidence (plots.h's names), "" if none; it exists
				   * only if it was drawn */
};

struct finding_list {
	unsigned count;
	struct finding *item; /* ranked: most bits saved first (findings_rank) */
};

void findings_free(struct finding_list *list);

/* Sort by bits_saved as printed (one decimal, descending), then cause, then the first series. */
void findings_rank(struct finding_list *list);

/* 1 when f may be a key finding: it costs at least FINDINGS_MIN_BITS, or it says the numbers
 * cannot be taken at face value (SERIAL, MISSING, INSUFFICIENT, BOUNDS; NOTHING_MOVES outside
 * mode 0, which turns randomization off by definition), or what the run could not measure
 * (SKIPPED). */
int finding_is_key(const struct analysis *a, const struct finding *f);

/* The index of the i-th key finding in list (ranked), -1 past the last or FINDINGS_KEY_MAX.
 * SKIPPED findings are always among them (the others give up the last places): a reader
 * must not take the numbers for the variants that were never run. */
int findings_key_index(const struct analysis *a, const struct finding_list *list, unsigned i);

/* "tied", "fixed", ...: the cause's name (tests, debugging). */
const char *finding_cause_name(enum finding_cause cause);

enum finding_role finding_role(const char *region);

#endif
