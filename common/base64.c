#include "base64.h"

#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

void base64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;

	for (; len >= 3; len -= 3, p += 3, out += 4) {
		uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		out[0] = alphabet[v >> 18];
		out[1] = alphabet[v >> 12 & 63];
		out[2] = alphabet[v >> 6 & 63];
		out[3] = alphabet[v & 63];
	}
	if (len) {
		uint32_t v = (uint32_t)p[0] << 16 | (len == 2 ? (uint32_t)p[1] << 8 : 0);
		out[0] = alphabet[v >> 18];
		out[1] = alphabet[v >> 12 & 63];
		out[2] = len == 2 ? alphabet[v >> 6 & 63] : '=';
		out[3] = '=';
	}
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* One group of four characters; pad is how many '=' end it (only in the last group). */
static int decode_group(const char *in, int pad, unsigned char *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int x = i < 4 - pad ? value_of(in[i]) : (in[i] == '=' ? 0 : -1);
		if (x < 0)
			return -1;
		v = v << 6 | (uint32_t)x;
	}
	if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
		return -1; /* bits under the padding must be zero: one encoding per byte string */
	out[0] = (unsigned char)(v >> 16);
	out[1] = (unsigned char)(v >> 8);
	out[2] = (unsigned char)v;
	return 3 - pad;
}

long base64_decode(const char *in, size_t len, void *out)
{
	unsigned char *o = out;
	long n = 0;

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int last = i + 4 == len;
		int pad = last ? (in[i + 3] == '=') + (in[i + 3] == '=' && in[i + 2] == '=') : 0;
		int got = decode_group(in + i, pad, o + n);
		if (got < 0)
			return -1;
		n += got;
	}
	return n;
}
