/*
 * netrc files (the ftp(1) format, as curl and msmtp read it): a pure
 * parser over a buffer and a reader that refuses files others could read
 * or write.
 */
#ifndef BOTE_NETRC_H
#define BOTE_NETRC_H

#include <stddef.h>
#include <sys/types.h>

#define NETRC_FILEMAX	(1024 * 1024)	/* octets in a netrc file */

enum netrc_status {
	NETRC_FOUND = 0,	/* *pass set */
	NETRC_NONE,		/* no file, or no entry for host and login */
	NETRC_SYNTAX,		/* why says where (line number only) */
	NETRC_INSECURE_MODE,	/* holds a password, group/other can read */
	NETRC_INSECURE_OWNER,	/* holds a password, owned by *owner */
	NETRC_ERROR		/* cannot read it: why says why */
};

/*
 * Find the password for host and login in the netrc text buf (len
 * octets). The first "machine" entry whose name equals host (ASCII case
 * ignored) and whose login equals login (exactly) and that has a
 * password wins, else a "default" entry with that login; an entry without
 * a login line never matches (login is required: the netrc does not
 * choose the user). Tokens are separated by blanks and newlines; a token
 * in double quotes may hold blanks, with \" and \\ as escapes. A "#" where
 * a keyword is due comments out the rest of its line. "macdef" bodies are
 * skipped up to the next empty line.
 *
 * Returns NETRC_FOUND with *pass a new string (free it with
 * secret_free()), NETRC_NONE, or NETRC_SYNTAX with why ("line N: ...",
 * never a token). *has_password (may be NULL) is set when the text holds
 * any password, found or not, so the caller can judge the file's
 * permissions.
 */
enum netrc_status netrc_parse(const char *buf, size_t len, const char *host,
	    const char *login, char **pass, int *has_password, char *why,
	    size_t whylen);

/*
 * netrc_parse() over the file path, opened without following a symbolic
 * link. A missing file is NETRC_NONE. A file that holds a password must be
 * a regular file owned by the effective user (or root) that neither its
 * group nor others can read or write: else NETRC_INSECURE_MODE or
 * NETRC_INSECURE_OWNER (with *owner, may be NULL), and no password is
 * returned. The file's contents are wiped from memory after parsing.
 */
enum netrc_status netrc_file(const char *path, const char *host,
	    const char *login, char **pass, uid_t *owner, char *why,
	    size_t whylen);

#endif
