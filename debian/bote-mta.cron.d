# bote-mta: deliver bote's queue every 15 minutes (bote -q --due) where
# systemd does not run; with systemd, bote-flush.timer does it.
*/15 * * * *	root	[ -d /run/systemd/system ] || [ ! -x /usr/bin/bote ] || /usr/bin/bote -q --due >/dev/null 2>&1 || true
