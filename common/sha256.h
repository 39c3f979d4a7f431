/* sha256.h: SHA-256 (FIPS 180-4), for the probe's fingerprint in run.json. */
#ifndef ASLR_SHA256_H
#define ASLR_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
void sha256_final(struct sha256 *ctx, unsigned char digest[32]);
/* 64 lowercase hex digits and a NUL into hex. */
void sha256_hex(const unsigned char digest[32], char hex[65]);

#endif
