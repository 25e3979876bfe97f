/*
 * Queue administration by id (runner.h, queue_admin), as postsuper(1)
 * does it: delete, hold, release, each under the entry's lock.
 */
#include <sys/types.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "queue/runner.h"

enum qadmin_result
queue_admin(struct queue *q, enum qadmin op, const char *id, time_t now,
    char *why, size_t whylen)
{
	struct qlock		*l;
	struct qent		 e;
	struct outcome		 o;
	enum qadmin_result	 rc = QAR_DONE;
	int			 busy;

	qent_init(&e);
	memset(&o, 0, sizeof(o));
	if ((l = queue_lock(q, id, &e, &busy, why, whylen)) == NULL)
		return busy ? QAR_BUSY : errno == ENOENT ? QAR_GONE :
		    QAR_ERROR;
	switch (op) {
	case QA_DELETE:
		if (queue_remove(q, id, &o) == -1)
			rc = QAR_ERROR;
		break;
	case QA_HOLD:
	case QA_RELEASE:
		if (e.held == (op == QA_HOLD)) {
			rc = QAR_ALREADY;
			break;
		}
		e.held = op == QA_HOLD;
		/* Released: due at once, as postsuper -H makes it. */
		if (op == QA_RELEASE)
			e.next = (long long)now;
		if (queue_update(q, &e, &o) == -1)
			rc = QAR_ERROR;
		break;
	}
	if (rc == QAR_ERROR)
		whyf(why, whylen, "%s", o.why);
	qent_free(&e);
	queue_unlock(l);
	return rc;
}
