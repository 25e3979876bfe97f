/*
 * The JSON parser (json.h): json-c, from Debian, so that bote never
 * hand-writes one for what token endpoints answer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/json.h"

/* A token answer is a few kilobytes; anything this deep is not one. */
#define JSON_DEPTH	16

struct json {
	json_object	*obj;
};

struct json *
json_parse(const char *buf, size_t len)
{
	struct json_tokener	*tok;
	struct json		*j = NULL;
	json_object		*o;
	size_t			 end;

	if (len > INT_MAX || (tok = json_tokener_new_ex(JSON_DEPTH)) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	/* Bytes after the object but blanks mean it was not one object. */
	end = o != NULL ? json_tokener_get_parse_end(tok) : 0;
	while (end < len && strchr(" \t\r\n", buf[end]) != NULL &&
	    buf[end] != '\0')
		end++;
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    end != len || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		goto out;
	}
	if ((j = malloc(sizeof(*j))) == NULL) {
		json_object_put(o);
		goto out;
	}
	j->obj = o;
out:
	json_tokener_free(tok);
	return j;
}

void
json_free(struct json *j)
{
	if (j == NULL)
		return;
	json_object_put(j->obj);
	free(j);
}

const char *
json_str(const struct json *j, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(j->obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int
json_int(const struct json *j, const char *key, long long *v)
{
	json_object	*m;
	const char	*s, *errstr;
	int64_t		 n;

	if (!json_object_object_get_ex(j->obj, key, &m))
		return -1;
	if (json_object_is_type(m, json_type_int)) {
		n = json_object_get_int64(m);
		if (n < 0 || n > INT_MAX)
			return -1;
		*v = n;
		return 0;
	}
	if (!json_object_is_type(m, json_type_string))
		return -1;
	s = json_object_get_string(m);
	*v = strtonum(s, 0, INT_MAX, &errstr);
	return errstr == NULL ? 0 : -1;
}
