/*
 * Passwords from the Secret Service (keyring.h). libsecret appears in
 * this file only (DESIGN.md, House style 7); its GLib strings never
 * leave it: the password is copied into memory of ours and libsecret's
 * copy is wiped by secret_password_free().
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/keyring.h"

#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>

static int	session_bus(void);
static int	take(gchar *, char **);

/*
 * msmtp's schema. Its name is not matched (DONT_MATCH_NAME), so an
 * entry made by secret-tool, which stores its own schema name, is found
 * by the attributes alone.
 */
static const SecretSchema msmtp_schema = {
	"de.marlam.msmtp.password", SECRET_SCHEMA_DONT_MATCH_NAME,
	{
		{ "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 }
	},
	0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

int
keyring_lookup(const char *host, const char *user, char **pass)
{
	GError	*err = NULL;
	gchar	*pw;

	*pass = NULL;
	if (!session_bus())
		return 0;
	pw = secret_password_lookup_sync(&msmtp_schema, NULL, &err,
	    "host", host, "service", "smtp", "user", user, NULL);
	if (err != NULL) {
		/* No keyring running, or locked: as if it were empty. */
		g_error_free(err);
		return 0;
	}
	if (pw == NULL)
		pw = secret_password_lookup_sync(SECRET_SCHEMA_COMPAT_NETWORK,
		    NULL, &err, "user", user, "server", host, "protocol",
		    "smtp", NULL);
	if (err != NULL) {
		g_error_free(err);
		return 0;
	}
	return take(pw, pass);
}

int
keyring_store(const char *host, const char *user, const char *pass,
    char *why, size_t whylen)
{
	GError	*err = NULL;
	char	 label[512];
	int	 n;

	if (!session_bus()) {
		n = snprintf(why, whylen, "no session bus (neither "
		    "DBUS_SESSION_BUS_ADDRESS nor $XDG_RUNTIME_DIR/bus)");
		(void)n;	/* a reason cut short is still one */
		return -1;
	}
	n = snprintf(label, sizeof(label), "bote: %s at %s", user, host);
	if (n < 0 || (size_t)n >= sizeof(label))
		label[0] = '\0';
	/* msmtp's attributes, so that msmtp and keyring_lookup() find it. */
	if (!secret_password_store_sync(&msmtp_schema,
	    SECRET_COLLECTION_DEFAULT, label[0] != '\0' ? label : "bote",
	    pass, NULL, &err, "host", host, "service", "smtp", "user", user,
	    NULL)) {
		n = snprintf(why, whylen, "%s", err != NULL && err->message ?
		    err->message : "the Secret Service refused it");
		(void)n;	/* a reason cut short is still one */
		if (err != NULL)
			g_error_free(err);
		return -1;
	}
	return 0;
}

/* Copy pw into *pass and wipe libsecret's copy. */
static int
take(gchar *pw, char **pass)
{
	if (pw == NULL || pw[0] == '\0') {
		secret_password_free(pw);
		return 0;
	}
	*pass = strdup(pw);
	secret_password_free(pw);
	return *pass != NULL ? 1 : -1;
}

/*
 * Whether a session bus is known: DBUS_SESSION_BUS_ADDRESS, or the
 * socket $XDG_RUNTIME_DIR/bus that GLib finds by itself. Without one,
 * GLib would try to autolaunch a bus (X11), which a mail program run by
 * cron or a web server must not do.
 */
static int
session_bus(void)
{
	const char	*a = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char	*r = getenv("XDG_RUNTIME_DIR");
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 n;

	if (a != NULL && a[0] != '\0')
		return 1;
	if (r == NULL || r[0] != '/')
		return 0;
	/* Not util.c's xsnprintf: this library links before the engine's. */
	n = snprintf(path, sizeof(path), "%s/bus", r);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

int
keyring_built(void)
{
	return 1;
}

const char *
keyring_feature(void)
{
	return "Secret Service (libsecret)";
}

#else /* !HAVE_LIBSECRET */

int
keyring_lookup(const char *host, const char *user, char **pass)
{
	*pass = NULL;
	return 0;
}

int
keyring_store(const char *host, const char *user, const char *pass,
    char *why, size_t whylen)
{
	int	n = snprintf(why, whylen, "this bote was built without "
		    "libsecret");

	(void)n;	/* a reason cut short is still one */
	return -1;
}

int
keyring_built(void)
{
	return 0;
}

const char *
keyring_feature(void)
{
	return "none (built without libsecret)";
}

#endif
