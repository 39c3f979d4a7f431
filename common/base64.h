/* base64.h: RFC 4648 base64 (standard alphabet, '=' padding), for the serial frames that
 * carry a guest's results to the host (harness/frame.h). */
#ifndef ASLR_BASE64_H
#define ASLR_BASE64_H

#include <stddef.h>

/* Characters base64_encode writes for len bytes (no NUL). */
size_t base64_encoded_len(size_t len);

/* Encode len bytes of in into out (base64_encoded_len(len) characters, no NUL). */
void base64_encode(const void *in, size_t len, char *out);

/* Decode len characters (a multiple of 4, padding only at the end) into out, which holds
 * at least len / 4 * 3 bytes. The number of bytes written, or -1 for anything that is not
 * canonical base64. */
long base64_decode(const char *in, size_t len, void *out);

#endif
