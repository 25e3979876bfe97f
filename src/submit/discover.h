/*
 * Finding the submission server of a mail address for bote --setup:
 * the built-in presets of the large providers (by the address's domain),
 * RFC 6186 SRV records, the Thunderbird autoconfig document over HTTPS,
 * the presets again by the domain's MX hosts, and last a guess
 * (smtp.DOMAIN, mail.DOMAIN on 465, then 587) that answers a connection.
 * The engine never prints: each step is told to the driver through a
 * callback.
 */
#ifndef BOTE_DISCOVER_H
#define BOTE_DISCOVER_H

#include <stddef.h>

#define DISC_HOSTMAX	256
#define DISC_VIAMAX	512

enum disc_source {
	DISC_NONE = 0,
	DISC_PRESET,		/* the domain is a provider's */
	DISC_SRV,		/* _submissions._tcp / _submission._tcp */
	DISC_AUTOCONFIG,	/* config-v1.1.xml */
	DISC_MX,		/* the domain's MX hosts are a provider's */
	DISC_GUESS		/* smtp.DOMAIN or mail.DOMAIN answered */
};

struct disc_server {
	char		 host[DISC_HOSTMAX];
	int		 port;
	int		 starttls;	/* 1: STARTTLS; 0: implicit TLS */
	int		 user_local;	/* the login is the local part */
	int		 oauth2;	/* OPROV_* (conf/oauth.h) when the
					   provider takes OAuth2; 0: no */
	int		 wants_oauth2;	/* passwords are on their way out */
	const char	*provider;	/* the preset's name, or NULL */
	const char	*note;		/* what the provider wants as the
					   password, or NULL */
	const char	*rate;		/* its sending limits (bote.conf.5's */
	int		 sessions;	/* rate, max_sessions), or NULL, 0 */
	enum disc_source source;
	char		 via[DISC_VIAMAX];	/* where it was found */
};

struct disc_opts {
	const char	*address;	/* local@domain */
	const char	*trust_file;	/* autoconfig HTTPS; NULL: system */
	int		 timeout_s;	/* each request or connection */
	/* Each step, as it ends: what was asked and what came of it. */
	void		(*step)(void *arg, const char *what,
			    const char *result);
	void		*arg;
};

/*
 * Find the server for o->address. 0 with *s filled; -1 when nothing was
 * found (every step was told through o->step).
 */
int	discover(const struct disc_opts *o, struct disc_server *s);

/*
 * The preset for domain (a provider's own domain), or 0: *s filled and
 * 1. For tests and --setup's listing.
 */
int	disc_preset(const char *domain, struct disc_server *s);

/*
 * Read the outgoing SMTP server of an autoconfig document (Thunderbird's
 * config-v1.1.xml: clientConfig/emailProvider/outgoingServer type
 * "smtp", its hostname, port, socketType SSL or STARTTLS and username),
 * placeholders filled from address. 0 with *s; -1 when it names none
 * bote can use (plain only, no host, a bad port).
 */
int	disc_autoconfig_parse(const char *xml, size_t len,
	    const char *address, struct disc_server *s);

#endif
