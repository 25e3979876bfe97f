/*
 * JSON objects as OAuth2 endpoints answer them (RFC 6749 5.1, 5.2;
 * RFC 8628 3.2, 3.5), read through json-c (json.c is the only file that
 * includes it, DESIGN.md rule 7). Only what bote needs: the top-level
 * members of one object, as strings or whole numbers.
 */
#ifndef BOTE_JSON_H
#define BOTE_JSON_H

#include <stddef.h>

struct json;

/* A JSON object from buf[0..len), or NULL (not JSON, not an object). */
struct json	*json_parse(const char *buf, size_t len);
void		 json_free(struct json *);	/* NULL: a no-op */

/* The string member key, or NULL (absent, or not a string). */
const char	*json_str(const struct json *, const char *key);

/*
 * The whole-number member key (a number, or a string of digits as some
 * servers send expires_in): 0 with *v, or -1 (absent, or not a number
 * from 0 to 2^31-1).
 */
int		 json_int(const struct json *, const char *key, long long *v);

#endif
