/*
 * HTTPS requests to OAuth2 endpoints (and autoconfig documents for
 * bote --setup), through libcurl (http.c is the only
 * file that includes it, DESIGN.md rule 7): a form POSTed (RFC 6749
 * 4.1.3, 4.4.2, 6; RFC 8628 3.1, 3.4), the answer read whole up to a
 * cap. Only https: URLs, the certificate verified against the system
 * store or a trust file, no redirects, a deadline on every request.
 */
#ifndef BOTE_HTTP_H
#define BOTE_HTTP_H

#include <stddef.h>

#define HTTP_BODYMAX	(64 * 1024)	/* octets of an answer */

struct http_field {
	const char	*name;
	const char	*value;		/* NULL: the field is left out */
};

struct http_req {
	const char		*url;
	const struct http_field	*fields;
	size_t			 nfields;
	const char		*trust_file;	/* NULL: the system store */
	int			 timeout_s;	/* the whole request */
};

struct http_resp {
	long	 status;	/* HTTP status code */
	char	*body;		/* NUL-terminated; it may hold tokens */
	size_t	 len;
};

/*
 * POST req's fields as application/x-www-form-urlencoded. 0 when the
 * server answered (whatever its status; *r filled, free it with
 * http_resp_clear()), -1 with why when it did not (name not found,
 * refused, TLS, deadline, an answer over HTTP_BODYMAX): those are all
 * worth trying again later.
 */
int	 http_post(const struct http_req *req, struct http_resp *r,
	    char *why, size_t whylen);

/*
 * GET req->url (fields unused), as http_post() does otherwise: for a
 * mail client's autoconfig document (bote --setup).
 */
int	 http_get(const struct http_req *req, struct http_resp *r,
	    char *why, size_t whylen);

/* Wipe and free the body; r may hold nothing. */
void	 http_resp_clear(struct http_resp *r);

/* s percent-encoded for a URL query (RFC 3986 unreserved kept); free(). */
char	*http_escape(const char *s);

/* s[0..len) with %XX and '+' decoded, or NULL (bad escape, NUL); free(). */
char	*http_unescape(const char *s, size_t len);

#endif
