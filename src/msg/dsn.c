/*
 * Delivery status notification parameters (RFC 3461 4): what MAIL and
 * RCPT carry when the server offers DSN (dsn.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "msg/addr.h"
#include "conf/conf.h"
#include "msg/dsn.h"
#include "base/util.h"

int
dsn_mail_params(char *dst, size_t dstsz, int ret, const char *envid)
{
	char	x[3 * ENVID_XTEXTMAX + 1];

	if (ret != DSNRET_OFF && strlcat(dst, ret == DSNRET_FULL ?
	    " RET=FULL" : " RET=HDRS", dstsz) >= dstsz)
		return -1;
	if (envid == NULL)
		return 0;
	if (addr_xtext(x, sizeof(x), envid) == -1 ||
	    strlen(x) > ENVID_XTEXTMAX)
		return -1;
	if (strlcat(dst, " ENVID=", dstsz) >= dstsz ||
	    strlcat(dst, x, dstsz) >= dstsz)
		return -1;
	return 0;
}

int
dsn_rcpt_params(char *dst, size_t dstsz, int notify, const char *rcpt)
{
	const unsigned char	*p;
	char			 x[3 * ADDR_MAX + 1];
	int			 rc;

	if (dstsz == 0)
		return -1;
	dst[0] = '\0';
	if (notify == 0)
		return 0;
	if (notify & DSN_NEVER)
		rc = xsnprintf(dst, dstsz, " NOTIFY=NEVER");
	else
		rc = xsnprintf(dst, dstsz, " NOTIFY=%s%s%s%s%s",
		    notify & DSN_SUCCESS ? "SUCCESS" : "",
		    (notify & DSN_SUCCESS) &&
		    (notify & (DSN_FAILURE | DSN_DELAY)) ? "," : "",
		    notify & DSN_FAILURE ? "FAILURE" : "",
		    (notify & DSN_FAILURE) && (notify & DSN_DELAY) ? "," : "",
		    notify & DSN_DELAY ? "DELAY" : "");
	if (rc == -1)
		return -1;
	for (p = (const unsigned char *)rcpt; *p != '\0'; p++)
		if (*p >= 0x80)
			return 1;
	if (addr_xtext(x, sizeof(x), rcpt) == -1 ||
	    strlen(x) + sizeof("rfc822;") - 1 > ORCPT_XTEXTMAX)
		return 1;
	if (strlcat(dst, " ORCPT=rfc822;", dstsz) >= dstsz ||
	    strlcat(dst, x, dstsz) >= dstsz)
		return -1;
	return 0;
}
