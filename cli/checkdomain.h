/* bote --check-domain [DOMAIN]: the sender-domain report (bote.1). */
#ifndef BOTE_CHECKDOMAIN_H
#define BOTE_CHECKDOMAIN_H

#include "modes.h"

int	mode_check_domain(struct mode_ctx *m);

/*
 * The report for domain as account acct sends for it (--test-mail ends
 * with it): 0, 1 when a line is an error, 75 without DNS answers.
 */
int	checkdomain_report(const struct account *acct, const char *domain);

#endif
