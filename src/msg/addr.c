/*
 * Addresses: a forgiving parser for RFC 5322 address lists (section 3.4,
 * with the obsolete forms of section 4.4 that real headers still carry),
 * and the strict RFC 5321 check every envelope address passes.
 *
 * The parser is a lexer (atoms, quoted strings, domain literals,
 * specials; comments and folding white space dropped) under a small
 * recursive descent: list, address, group, angle-addr. Only addr-specs
 * come out; display names and comments are thrown away.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg/addr.h"
#include "base/util.h"

/* Characters that end an atom, besides white space and controls. */
#define SPECIALS	"()<>[]:;@,\""

enum tok_type {
	T_END,
	T_ATOM,		/* dot-atom text, '.' included (obs-phrase) */
	T_QSTR,		/* "...", quotes and backslashes kept */
	T_DLIT,		/* [...] */
	T_SPECIAL	/* one of < > , : ; @ */
};

struct tok {
	enum tok_type	 type;
	const char	*s;
	size_t		 len;
};

struct lex {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	struct tok	 peek;
	int		 havepeek;
	const char	*err;
};

/* An addr-spec being put together from tokens. */
struct spec {
	char	buf[ADDR_MAX + 1];
	size_t	len;
	int	toolong;
	int	blank;		/* two words with a blank between */
	int	lastword;	/* the previous token was a word */
	int	lastdot;	/* ... and it ended in '.' */
};

static int	 fail(char *, size_t, const char *);
static int	 is_wsp(int);
static int	 is_ctl(int);
static int	 lex_scan(struct lex *, struct tok *);
static int	 lex_next(struct lex *, struct tok *);
static int	 lex_peek(struct lex *, struct tok *);
static int	 is_special(const struct tok *, int);
static void	 spec_add(struct spec *, const struct tok *);
static int	 spec_emit(struct spec *, struct addrlist *, char *, size_t);
static int	 parse_angle(struct lex *, struct addrlist *, int, char *,
		    size_t);
static int	 parse_address(struct lex *, struct addrlist *, int, char *,
		    size_t);
static int	 parse_list(struct lex *, struct addrlist *, int, char *,
		    size_t);
static int	 after_item(struct lex *, int, const char *, char *, size_t);
static const char *local_end(const char *);
static uint32_t	 addr_hash(const char *);
static int	 addr_eq(const char *, const char *);
static int	 lower(int);

/*
 * The messages are short constants; a caller that chose a smaller buffer
 * gets a terminated prefix, which is all it can hold.
 */
static int
fail(char *why, size_t whylen, const char *msg)
{
	if (why != NULL && whylen > 0)
		whyf(why, whylen, "%s", msg);
	return -1;
}

static int
is_wsp(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int
is_ctl(int ch)
{
	return (ch >= 0 && ch < 0x20) || ch == 0x7f;
}

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

void
addrlist_init(struct addrlist *l)
{
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

void
addrlist_free(struct addrlist *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	addrlist_init(l);
}

int
addrlist_add(struct addrlist *l, const char *addr, size_t len)
{
	char	**v, *s;
	size_t	  cap;

	/* A NUL inside would cut the address short unseen. */
	if (memchr(addr, '\0', len) != NULL) {
		errno = EINVAL;
		return -1;
	}
	if (l->n >= ADDRLIST_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (l->n == l->cap) {
		cap = l->cap == 0 ? 8 : l->cap * 2;
		if (cap > ADDRLIST_MAX)
			cap = ADDRLIST_MAX;
		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((s = xstrndup(addr, len)) == NULL)
		return -1;
	l->v[l->n++] = s;
	return 0;
}

/* FNV-1a over the local part as it is and the domain in lower case. */
static uint32_t
addr_hash(const char *a)
{
	const char	*at = strrchr(a, '@');
	uint32_t	 h = 2166136261u;
	const char	*p;

	for (p = a; *p != '\0'; p++) {
		h ^= (unsigned char)(at != NULL && p > at ? lower(*p) : *p);
		h *= 16777619u;
	}
	return h;
}

/* RFC 5321 2.4: the local part is case-sensitive, the domain is not. */
static int
addr_eq(const char *a, const char *b)
{
	const char	*aa = strrchr(a, '@'), *ba = strrchr(b, '@');
	size_t		 al, bl;

	if ((aa == NULL) != (ba == NULL))
		return 0;
	if (aa == NULL)
		return strcmp(a, b) == 0;
	al = (size_t)(aa - a);
	bl = (size_t)(ba - b);
	if (al != bl || memcmp(a, b, al) != 0)
		return 0;
	for (aa++, ba++; *aa != '\0' && *ba != '\0'; aa++, ba++)
		if (lower((unsigned char)*aa) != lower((unsigned char)*ba))
			return 0;
	return *aa == *ba;
}

void
addrlist_dedup(struct addrlist *l)
{
	size_t	*tab, size, mask, i, j, k, n = 0;

	if (l->n < 2)
		return;
	for (size = 16; size < l->n * 2; size *= 2)
		continue;
	mask = size - 1;
	/* Slots hold index + 1; 0 is empty. */
	if ((tab = calloc(size, sizeof(*tab))) == NULL) {
		/* Without memory for the table, compare pairwise. */
		for (i = 0; i < l->n; i++) {
			for (j = 0; j < n; j++)
				if (addr_eq(l->v[j], l->v[i]))
					break;
			if (j < n)
				free(l->v[i]);
			else
				l->v[n++] = l->v[i];
		}
		l->n = n;
		return;
	}
	for (i = 0; i < l->n; i++) {
		for (k = addr_hash(l->v[i]) & mask; tab[k] != 0;
		    k = (k + 1) & mask)
			if (addr_eq(l->v[tab[k] - 1], l->v[i]))
				break;
		if (tab[k] != 0) {
			free(l->v[i]);
			continue;
		}
		l->v[n] = l->v[i];
		tab[k] = ++n;
	}
	l->n = n;
	free(tab);
}

/* The next token, skipping white space and (nested) comments. */
static int
lex_scan(struct lex *lx, struct tok *t)
{
	const char	*s = lx->s;
	size_t		 depth;
	int		 ch, close;

	for (;;) {
		while (lx->pos < lx->len && is_wsp(s[lx->pos]))
			lx->pos++;
		if (lx->pos == lx->len || s[lx->pos] != '(')
			break;
		for (depth = 0; lx->pos < lx->len; lx->pos++) {
			ch = s[lx->pos];
			if (ch == '\\' && lx->pos + 1 < lx->len)
				lx->pos++;
			else if (ch == '(')
				depth++;
			else if (ch == ')' && --depth == 0)
				break;
		}
		if (lx->pos == lx->len) {
			lx->err = "unterminated comment (missing ')')";
			return -1;
		}
		lx->pos++;
	}
	t->s = s + lx->pos;
	t->len = 0;
	if (lx->pos == lx->len) {
		t->type = T_END;
		return 0;
	}
	ch = (unsigned char)s[lx->pos];
	if (ch == ')') {
		lx->err = "unbalanced ')'";
		return -1;
	}
	if (ch == ']') {
		lx->err = "unbalanced ']'";
		return -1;
	}
	if (ch == '"' || ch == '[') {
		close = ch == '"' ? '"' : ']';
		for (lx->pos++; lx->pos < lx->len; lx->pos++) {
			if (s[lx->pos] == '\\' && lx->pos + 1 < lx->len)
				lx->pos++;
			else if (s[lx->pos] == close)
				break;
		}
		if (lx->pos == lx->len) {
			lx->err = ch == '"' ? "unterminated quoted string" :
			    "unterminated domain literal (missing ']')";
			return -1;
		}
		lx->pos++;
		t->type = ch == '"' ? T_QSTR : T_DLIT;
		t->len = (size_t)(s + lx->pos - t->s);
		return 0;
	}
	if (strchr("<>,:;@", ch) != NULL) {
		lx->pos++;
		t->type = T_SPECIAL;
		t->len = 1;
		return 0;
	}
	if (is_ctl(ch)) {
		lx->err = "control character in an address";
		return -1;
	}
	while (lx->pos < lx->len) {
		ch = (unsigned char)s[lx->pos];
		if (is_wsp(ch) || is_ctl(ch) || strchr(SPECIALS, ch) != NULL)
			break;
		lx->pos++;
	}
	t->type = T_ATOM;
	t->len = (size_t)(s + lx->pos - t->s);
	return 0;
}

static int
lex_next(struct lex *lx, struct tok *t)
{
	if (lx->havepeek) {
		*t = lx->peek;
		lx->havepeek = 0;
		return 0;
	}
	return lex_scan(lx, t);
}

static int
lex_peek(struct lex *lx, struct tok *t)
{
	if (!lx->havepeek) {
		if (lex_scan(lx, &lx->peek) == -1)
			return -1;
		lx->havepeek = 1;
	}
	*t = lx->peek;
	return 0;
}

static int
is_special(const struct tok *t, int ch)
{
	return t->type == T_SPECIAL && t->s[0] == ch;
}

/*
 * Append a token. Words (atoms, quoted strings, literals) next to each
 * other are joined only across a '.', as obs-local-part allows
 * ("a . b"); two words with a blank between mean a display name without
 * angle brackets, which is noted. CR and LF left in a quoted string are
 * folding and go.
 */
static void
spec_add(struct spec *sp, const struct tok *t)
{
	size_t	i;
	int	word = t->type != T_SPECIAL;

	if (word && sp->lastword && !sp->lastdot && t->s[0] != '.')
		sp->blank = 1;
	for (i = 0; i < t->len; i++) {
		if (t->type == T_QSTR && (t->s[i] == '\r' || t->s[i] == '\n'))
			continue;
		if (sp->len == ADDR_MAX) {
			sp->toolong = 1;
			break;
		}
		sp->buf[sp->len++] = t->s[i];
	}
	sp->lastword = word;
	sp->lastdot = word && t->len > 0 && t->s[t->len - 1] == '.';
}

static int
spec_emit(struct spec *sp, struct addrlist *out, char *why, size_t whylen)
{
	if (sp->toolong)
		return fail(why, whylen, "address is longer than 256 octets");
	if (addrlist_add(out, sp->buf, sp->len) == -1) {
		if (errno == E2BIG)
			return fail(why, whylen,
			    "too many addresses (limit 10000)");
		return fail(why, whylen, "out of memory");
	}
	return 0;
}

/* After an address or a group: the list goes on, or ends. */
static int
after_item(struct lex *lx, int ingroup, const char *msg, char *why,
    size_t whylen)
{
	struct tok	t;

	if (lex_peek(lx, &t) == -1)
		return fail(why, whylen, lx->err);
	if (t.type == T_END || is_special(&t, ',') ||
	    (ingroup && is_special(&t, ';')))
		return 0;
	return fail(why, whylen, msg);
}

/* angle-addr after its '<', with an obsolete route "@a,@b:" skipped. */
static int
parse_angle(struct lex *lx, struct addrlist *out, int ingroup, char *why,
    size_t whylen)
{
	struct spec	sp;
	struct tok	t;

	memset(&sp, 0, sizeof(sp));
	if (lex_peek(lx, &t) == -1)
		return fail(why, whylen, lx->err);
	if (is_special(&t, '@')) {
		for (;;) {
			if (lex_next(lx, &t) == -1)
				return fail(why, whylen, lx->err);
			if (is_special(&t, ':'))
				break;
			if (t.type == T_END || is_special(&t, '>') ||
			    is_special(&t, '<') || is_special(&t, ';'))
				return fail(why, whylen,
				    "malformed source route in <>");
		}
	}
	for (;;) {
		if (lex_next(lx, &t) == -1)
			return fail(why, whylen, lx->err);
		if (is_special(&t, '>'))
			break;
		if (t.type == T_END)
			return fail(why, whylen,
			    "unbalanced '<' (missing '>')");
		if (is_special(&t, '<'))
			return fail(why, whylen, "'<' inside <>");
		if (t.type == T_SPECIAL && !is_special(&t, '@'))
			return fail(why, whylen,
			    "unexpected ',', ':' or ';' inside <>");
		spec_add(&sp, &t);
	}
	if (sp.blank)
		return fail(why, whylen, "blank between words inside <>");
	if (after_item(lx, ingroup, "unexpected text after '>'", why,
	    whylen) == -1)
		return -1;
	return spec_emit(&sp, out, why, whylen);
}

/*
 * One address: a mailbox with or without angle brackets, or a group.
 * What comes before '<' or ':' is a display name and is dropped; with
 * neither, it is the addr-spec ("root", "root (Cron Daemon)").
 */
static int
parse_address(struct lex *lx, struct addrlist *out, int ingroup, char *why,
    size_t whylen)
{
	struct spec	sp;
	struct tok	t;
	size_t		n = 0;

	memset(&sp, 0, sizeof(sp));
	for (;;) {
		if (lex_peek(lx, &t) == -1)
			return fail(why, whylen, lx->err);
		if (t.type == T_END || is_special(&t, ',') ||
		    is_special(&t, ';'))
			break;
		(void)lex_next(lx, &t);
		if (is_special(&t, '<'))
			return parse_angle(lx, out, ingroup, why, whylen);
		if (is_special(&t, '>'))
			return fail(why, whylen, "unbalanced '>'");
		if (is_special(&t, ':')) {
			if (ingroup)
				return fail(why, whylen,
				    "a group inside a group");
			if (parse_list(lx, out, 1, why, whylen) == -1)
				return -1;
			/* A group missing its ';' at the very end is let go. */
			if (lex_next(lx, &t) == -1)
				return fail(why, whylen, lx->err);
			if (t.type == T_END)
				return 0;
			return after_item(lx, 0,
			    "unexpected text after a group's ';'", why, whylen);
		}
		spec_add(&sp, &t);
		n++;
	}
	if (n == 0)
		return 0;
	if (sp.blank)
		return fail(why, whylen, "blank between words of an address "
		    "(a display name needs the address in <>)");
	return spec_emit(&sp, out, why, whylen);
}

/* Addresses separated by commas; empty elements are skipped. */
static int
parse_list(struct lex *lx, struct addrlist *out, int ingroup, char *why,
    size_t whylen)
{
	struct tok	t;

	for (;;) {
		if (lex_peek(lx, &t) == -1)
			return fail(why, whylen, lx->err);
		if (t.type == T_END)
			return 0;
		if (is_special(&t, ',')) {
			(void)lex_next(lx, &t);
			continue;
		}
		if (is_special(&t, ';')) {
			if (ingroup)
				return 0;
			return fail(why, whylen, "';' outside a group");
		}
		if (parse_address(lx, out, ingroup, why, whylen) == -1)
			return -1;
	}
}

int
addr_parse_list(const char *s, size_t len, struct addrlist *out, char *why,
    size_t whylen)
{
	struct lex	lx;
	size_t		n0 = out->n;

	if (memchr(s, '\0', len) != NULL)
		return fail(why, whylen, "NUL byte in an address list");
	memset(&lx, 0, sizeof(lx));
	lx.s = s;
	lx.len = len;
	if (parse_list(&lx, out, 0, why, whylen) == -1) {
		/* All or nothing: drop what this call added. */
		while (out->n > n0)
			free(out->v[--out->n]);
		return -1;
	}
	return 0;
}

/*
 * The end of the local part: the first '@', or the end of a leading
 * quoted string. NULL when that quoted string is not closed.
 */
static const char *
local_end(const char *a)
{
	const char	*p = a;

	if (*p != '"')
		return p + strcspn(p, "@");
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : NULL;
}

int
addr_check(const char *addr, int allow_empty, char *why, size_t whylen)
{
	const char	*p, *end, *dom;
	size_t		 len, dlen;

	if (addr == NULL || *addr == '\0') {
		if (allow_empty)
			return 0;
		return fail(why, whylen, "empty address");
	}
	for (p = addr; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			return fail(why, whylen,
			    "address contains a line break (CR or LF)");
		if (is_ctl((unsigned char)*p))
			return fail(why, whylen,
			    "address contains a control character");
		if (*p == '<' || *p == '>')
			return fail(why, whylen, "address contains '<' or '>'");
	}
	len = (size_t)(p - addr);

	/* RFC 5321 4.1.2: Dot-string / Quoted-string "@" Domain. */
	if (*addr == '"') {
		if ((end = local_end(addr)) == NULL)
			return fail(why, whylen,
			    "unterminated quoted local part");
		if (*end != '\0' && *end != '@')
			return fail(why, whylen,
			    "text after the quoted local part");
	} else {
		for (end = addr; *end != '\0' && *end != '@'; end++) {
			if (*end == ' ')
				return fail(why, whylen,
				    "address contains white space");
			if (strchr(SPECIALS, *end) != NULL)
				return fail(why, whylen, "the local part "
				    "contains a character that must be quoted");
		}
	}
	if (end == addr)
		return fail(why, whylen, "empty local part before '@'");
	if ((size_t)(end - addr) > ADDR_LOCALMAX)
		return fail(why, whylen, "local part is longer than 64 octets");
	if (*end == '@') {
		dom = end + 1;
		dlen = strlen(dom);
		if (dlen == 0)
			return fail(why, whylen, "empty domain after '@'");
		if (strchr(dom, '@') != NULL)
			return fail(why, whylen,
			    "address contains more than one '@'");
		if (dlen > ADDR_DOMAINMAX)
			return fail(why, whylen,
			    "domain is longer than 255 octets");
		if (*dom == '[') {
			/* A literal: "[192.0.2.1]", "[IPv6:2001:db8::1]". */
			if (dom[dlen - 1] != ']' || dlen < 3 ||
			    strcspn(dom + 1, "[]\\ ") != dlen - 2)
				return fail(why, whylen,
				    "malformed domain literal");
		} else {
			for (p = dom; *p != '\0'; p++) {
				if (*p == ' ')
					return fail(why, whylen,
					    "address contains white space");
				if (strchr(SPECIALS, *p) != NULL)
					return fail(why, whylen, "the domain "
					    "contains a character not allowed "
					    "in a domain");
			}
		}
	}
	if (len > ADDR_MAX)
		return fail(why, whylen, "address is longer than 256 octets");
	return 0;
}

int
addr_qualify(char *dst, size_t dstsz, const char *addr, const char *domain)
{
	/* The null sender stays empty; there is nothing to qualify with. */
	if (*addr == '\0' || addr_domain(addr) != NULL || domain == NULL ||
	    *domain == '\0')
		return xstrlcpy(dst, addr, dstsz);
	return xsnprintf(dst, dstsz, "%s@%s", addr, domain);
}

/*
 * After the last '@', which a quoted local part ("a@b"@c) may not hold
 * for a domain.
 */
const char *
addr_domain(const char *addr)
{
	const char	*end, *at;

	if ((end = local_end(addr)) == NULL)
		return NULL;
	at = strrchr(end, '@');
	return at != NULL ? at + 1 : NULL;
}

int
addr_xtext(char *dst, size_t dstsz, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	size_t			 o = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '+' && *p != '=') {
			if (o + 1 >= dstsz)
				return -1;
			dst[o++] = (char)*p;
			continue;
		}
		if (o + 3 >= dstsz)
			return -1;
		dst[o++] = '+';
		dst[o++] = hex[*p >> 4];
		dst[o++] = hex[*p & 0x0f];
	}
	if (o >= dstsz)
		return -1;
	dst[o] = '\0';
	return (int)o;
}
