/*
 * Known server replies and the fix each one means (bote.1, DIAGNOSIS):
 * the line of advice that follows the server's own text wherever bote
 * reports a failure.
 */
#ifndef BOTE_DIAGNOSE_H
#define BOTE_DIAGNOSE_H

#include "base/outcome.h"

/* The advice for o's reply, or NULL when the table has none. */
const char	*diagnose(const struct outcome *o);

#endif
