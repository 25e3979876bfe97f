/*
 * Delivery status notification parameters (RFC 3461) for MAIL (RET,
 * ENVID) and RCPT (NOTIFY, ORCPT), as pure functions of the requests;
 * the SMTP client adds them only when the server offers DSN (dsn.c).
 */
#ifndef BOTE_DSN_H
#define BOTE_DSN_H

#include <stddef.h>

/*
 * Append " RET=HDRS|FULL" (for ret, an enum dsn_return) and " ENVID=x"
 * (envid as xtext, when not NULL) to the NUL-terminated dst. Returns 0,
 * or -1 when the ENVID is over 100 octets as xtext (RFC 3461 4.4) or dst
 * is too small.
 */
int	dsn_mail_params(char *dst, size_t dstsz, int ret, const char *envid);

/*
 * Write " NOTIFY=..." for notify (DSN_* bits; nothing when 0) and
 * " ORCPT=rfc822;x" with rcpt as xtext into dst. ORCPT is optional and
 * left out when rcpt is not ASCII (RFC 6533's utf-8 type is not
 * implemented) or over 500 octets as xtext (4.2). Returns 0, 1 when
 * ORCPT was left out, or -1 when dst is too small.
 */
int	dsn_rcpt_params(char *dst, size_t dstsz, int notify,
	    const char *rcpt);

#endif
