/*
 * HTTPS for the OAuth2 endpoints and mail autoconfig (http.h), with
 * libcurl built with GnuTLS: bote never writes its own HTTP client.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "net/http.h"
#include "base/util.h"

static size_t	on_data(char *, size_t, size_t, void *);
static int	on_progress(void *, curl_off_t, curl_off_t, curl_off_t,
		    curl_off_t);
static char	*form(CURL *, const struct http_req *);
static int	global_init(void);
static int	request(const struct http_req *, int, struct http_resp *,
		    char *, size_t);

/* What arrives, capped (DESIGN.md rule 3). */
struct body {
	struct sbuf	sb;
	int		over;
};

static int
global_init(void)
{
	static int	done;

	if (!done && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	done = 1;
	return 0;
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct body	*b = arg;

	/* libcurl passes size 1; returning less than given aborts. */
	if (size != 1 || b->sb.len + n > HTTP_BODYMAX) {
		b->over = 1;
		return 0;
	}
	if (sbuf_add(&b->sb, p, n) == -1)
		return 0;
	return n;
}

/* A signal (SIGTERM, Ctrl-C) ends the request at once. */
static int
on_progress(void *arg, curl_off_t dlt, curl_off_t dln, curl_off_t ult,
    curl_off_t uln)
{
	return bote_interrupted != 0;
}

/* "a=1&b=2", each value percent-encoded; NULL when out of memory. */
static char *
form(CURL *c, const struct http_req *req)
{
	struct sbuf	 sb;
	char		*v;
	size_t		 i;

	sbuf_init(&sb, HTTP_BODYMAX);
	for (i = 0; i < req->nfields; i++) {
		if (req->fields[i].value == NULL)
			continue;
		if ((v = curl_easy_escape(c, req->fields[i].value, 0)) == NULL) {
			sb.err = 1;
			break;
		}
		(void)sbuf_addf(&sb, "%s%s=%s", sb.len > 0 ? "&" : "",
		    req->fields[i].name, v);
		explicit_bzero(v, strlen(v));
		curl_free(v);
	}
	if (sb.err != 0 || sb.p == NULL) {
		if (sb.p != NULL)
			freezero(sb.p, sb.cap);
		return sb.err != 0 ? NULL : strdup("");
	}
	return sb.p;
}

int
http_post(const struct http_req *req, struct http_resp *r, char *why,
    size_t whylen)
{
	return request(req, 1, r, why, whylen);
}

int
http_get(const struct http_req *req, struct http_resp *r, char *why,
    size_t whylen)
{
	return request(req, 0, r, why, whylen);
}

/* One request: a POST of req's fields (post set), else a GET. */
static int
request(const struct http_req *req, int post_it, struct http_resp *r,
    char *why, size_t whylen)
{
	struct curl_slist	*hdr = NULL;
	struct body		 b;
	CURL			*c = NULL;
	CURLcode		 cc;
	char			 err[CURL_ERROR_SIZE], *post = NULL;
	int			 rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&b, 0, sizeof(b));
	sbuf_init(&b.sb, HTTP_BODYMAX);
	err[0] = '\0';
	if (global_init() == -1 || (c = curl_easy_init()) == NULL ||
	    (post_it && (post = form(c, req)) == NULL) ||
	    (hdr = curl_slist_append(NULL, post_it ?
	    "Accept: application/json" : "Accept: application/xml, "
	    "text/xml")) == NULL) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	(void)curl_easy_setopt(c, CURLOPT_URL, req->url);
	/* Tokens travel in this request: https, verified, never redirected. */
	(void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	(void)curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (req->trust_file != NULL)
		(void)curl_easy_setopt(c, CURLOPT_CAINFO, req->trust_file);
	(void)curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)req->timeout_s);
	(void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)req->timeout_s);
	/* No SIGALRM for name lookups: bote has its own signal handlers. */
	(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	(void)curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	(void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	if (post_it)
		(void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	(void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	(void)curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	(void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	(void)curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_STRING);
	if ((cc = curl_easy_perform(c)) != CURLE_OK) {
		if (b.over)
			whyf(why, whylen, "the answer is longer than %d "
			    "octets", HTTP_BODYMAX);
		else
			whyf(why, whylen, "%s", err[0] != '\0' ? err :
			    curl_easy_strerror(cc));
		goto out;
	}
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (b.sb.err != 0 || (b.sb.p == NULL && (b.sb.p = strdup("")) ==
	    NULL)) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	r->body = b.sb.p;
	r->len = b.sb.len;
	b.sb.p = NULL;
	rc = 0;
out:
	if (b.sb.p != NULL)
		freezero(b.sb.p, b.sb.cap);
	if (post != NULL)
		freezero(post, strlen(post) + 1);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc;
}

void
http_resp_clear(struct http_resp *r)
{
	if (r->body != NULL)
		freezero(r->body, r->len + 1);
	memset(r, 0, sizeof(*r));
}

char *
http_escape(const char *s)
{
	char	*e, *d;

	if (global_init() == -1 || (e = curl_easy_escape(NULL, s, 0)) == NULL)
		return NULL;
	d = strdup(e);
	curl_free(e);
	return d;
}

char *
http_unescape(const char *s, size_t len)
{
	char	*p, *u, *d;
	size_t	 i;
	int	 n;

	if (len > HTTP_BODYMAX || global_init() == -1 ||
	    (p = xstrndup(s, len)) == NULL)
		return NULL;
	/* A form's '+' is a space (HTML 4 17.13.4.1); %2B stays a '+'. */
	for (i = 0; i < len; i++)
		if (p[i] == '+')
			p[i] = ' ';
	u = curl_easy_unescape(NULL, p, (int)len, &n);
	freezero(p, len + 1);
	if (u == NULL)
		return NULL;
	if ((size_t)n != strlen(u)) {
		freezero(u, (size_t)n);
		return NULL;
	}
	d = xstrndup(u, (size_t)n);
	explicit_bzero(u, (size_t)n);
	curl_free(u);
	return d;
}
