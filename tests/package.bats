#!/usr/bin/env bats
# The Debian packages (debian/; README, "Debian packages"), as
# tests/run-package builds them into PKG_DIR: what each holds, lintian,
# bote-mta's links in a scratch root, and, as root, the real thing with
# bote (never bote-mta, which would displace the test Postfix): dpkg -i,
# a send with the installed /usr/bin/bote through the test Postfix,
# dpkg -r (configuration and queue kept), dpkg -P (the queue listed, then
# nothing left). The tests run in order: each install step needs the one
# before it.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

QUEUE=/var/spool/bote

setup_file() {
	: "${PKG_DIR:?PKG_DIR: the directory tests/run-package built into}"
	BOTE_DEB=$(ls "$PKG_DIR"/bote_*.deb 2>/dev/null | head -n 1)
	MTA_DEB=$(ls "$PKG_DIR"/bote-mta_*_all.deb 2>/dev/null | head -n 1)
	CHANGES=$(ls "$PKG_DIR"/bote_*.changes 2>/dev/null | head -n 1)
	export BOTE_DEB MTA_DEB CHANGES
	# What the machine had before: the install tests leave it alone if
	# bote is there already, from a package or by hand.
	if [ "$(id -u)" -ne 0 ]; then
		export NO_INSTALL="not root"
	elif dpkg-query -W bote >/dev/null 2>&1 ||
	    [ -e /usr/bin/bote ] || [ -e /etc/bote.conf ]; then
		export NO_INSTALL="bote is installed on this machine already"
	elif [ -n "$(ls -A "$QUEUE/q" 2>/dev/null)" ]; then
		# The purge below would delete messages that are not ours.
		export NO_INSTALL="$QUEUE holds queued messages already"
	else
		export NO_INSTALL=
		testbed_setup_file
	fi
	export STATE=$BATS_FILE_TMPDIR
}

teardown_file() {
	testbed_teardown_file
}

have_debs() {
	[ -f "$BOTE_DEB" ] && [ -f "$MTA_DEB" ] ||
	    fail "the packages were not built (see $PKG_DIR/build.log)"
}

need_install() {
	[ -z "$NO_INSTALL" ] || skip "$NO_INSTALL"
	have_debs
}

# A field of a package's control file.
field() {
	dpkg-deb --field "$2" "$1"
}

@test "bote: the program, manuals, completions, units (not enabled), bote.conf 0600" {
	have_debs
	run dpkg-deb --contents "$BOTE_DEB"
	assert_success
	assert_line --regexp '^-rwxr-xr-x root/root +[0-9]+ .* \./usr/bin/bote$'
	assert_line --regexp '^-rw------- root/root +[0-9]+ .* \./etc/bote\.conf$'
	local f
	for f in usr/share/man/man1/bote.1.gz usr/share/man/man5/bote.conf.5.gz \
	    lib/systemd/system/bote-flush.service \
	    lib/systemd/system/bote-flush.timer \
	    lib/systemd/system/bote-maildrop.path \
	    usr/share/bash-completion/completions/bote \
	    usr/share/zsh/vendor-completions/_bote \
	    usr/share/doc/bote/examples/bote.cron \
	    usr/share/doc/bote/examples/bote.conf; do
		assert_line --regexp "^-rw-r--r-- root/root .* \./$f\$"
	done
	# Nothing enabled by the package itself, no sendmail.
	refute_line --partial ./etc/systemd
	refute_line --partial sendmail
	refute_line --partial mailq
	run dpkg-deb --info "$BOTE_DEB" conffiles
	assert_output /etc/bote.conf
	# Every line of the shipped configuration is a comment or blank.
	run bash -c 'dpkg-deb --fsys-tarfile "$1" |
	    tar -xOf - ./etc/bote.conf | grep -Ev "^(#|\$)"' - "$BOTE_DEB"
	assert_output ""
	# The units with Debian's paths.
	run bash -c 'dpkg-deb --fsys-tarfile "$1" |
	    tar -xOf - ./lib/systemd/system/bote-flush.service |
	    grep -E "^(ExecStart|ReadWritePaths)="' - "$BOTE_DEB"
	assert_output "$(printf '%s\n' 'ExecStart=/usr/bin/bote -q --due' \
	    'ReadWritePaths=/var/spool/bote')"
}

@test "bote-mta: the links, mail-transport-agent, bote of the same version" {
	have_debs
	local v
	v=$(field Version "$BOTE_DEB")
	run field Provides "$MTA_DEB"
	assert_output mail-transport-agent
	run field Conflicts "$MTA_DEB"
	assert_output mail-transport-agent
	run field Replaces "$MTA_DEB"
	assert_output mail-transport-agent
	run field Depends "$MTA_DEB"
	assert_output --partial "bote (>= $v)"
	run field Architecture "$MTA_DEB"
	assert_output all
	run dpkg-deb --contents "$MTA_DEB"
	assert_success
	assert_line --regexp ' \./usr/sbin/sendmail -> \.\./bin/bote$'
	assert_line --regexp ' \./usr/lib/sendmail -> \.\./bin/bote$'
	assert_line --regexp ' \./usr/bin/mailq -> bote$'
	assert_line --regexp ' \./usr/bin/newaliases -> bote$'
	assert_line --regexp ' \./usr/share/man/man8/sendmail\.8\.gz -> \.\./man1/bote\.1\.gz$'
	assert_line --regexp ' \./usr/share/man/man1/mailq\.1\.gz -> bote\.1\.gz$'
	assert_line --regexp ' \./usr/share/man/man1/newaliases\.1\.gz -> bote\.1\.gz$'
	# No program of its own: everything but directories, docs, the
	# lintian overrides and the cron file is a link.
	run bash -c 'dpkg-deb --contents "$1" | grep -v "^[dl]" |
	    grep -v " \./usr/share/doc/bote-mta/" |
	    grep -v " \./usr/share/lintian/overrides/bote-mta$" |
	    grep -v " \./etc/cron\.d/bote-mta$"' - "$MTA_DEB"
	assert_output ""
}

@test "lintian: no error and no warning that is not overridden with a reason" {
	have_debs
	command -v lintian >/dev/null || fail "lintian is not installed"
	run lintian --fail-on error,warning "$CHANGES"
	assert_success
	refute_line --regexp '^[EW]: '
}

# dpkg into the scratch root $R, its maintainer scripts run outside it
# with DPKG_ROOT=$R (which they and deb-systemd-helper honour).
rdpkg() {
	run dpkg --root="$R" --force-depends --force-script-chrootless "$@"
}

@test "bote-mta in a scratch root: the links; timer and maildrop unit enabled, then disabled" {
	have_debs
	[ "$(id -u)" -eq 0 ] || skip "not root (the postinst chowns)"
	R=$BATS_TEST_TMPDIR/root
	local l u
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
	touch "$R/var/lib/dpkg/status"
	rdpkg -i "$BOTE_DEB"
	assert_success
	run stat -c '%U %a' "$R/var/spool/bote" "$R/var/spool/bote/q"
	assert_output "$(printf 'root 700\nroot 700')"
	# As bote --setup-maildrop leaves it.
	chmod 0711 "$R/var/spool/bote"
	mkdir "$R/var/spool/bote/maildrop"
	chmod 1733 "$R/var/spool/bote/maildrop"
	rdpkg -i "$MTA_DEB"
	assert_success
	for l in usr/sbin/sendmail usr/lib/sendmail usr/bin/mailq \
	    usr/bin/newaliases; do
		[ -L "$R/$l" ] || fail "$l is not a symbolic link"
		# Relative links: they resolve inside the scratch root.
		[ "$(readlink -f "$R/$l")" = "$(readlink -f "$R/usr/bin/bote")" ] ||
		    fail "$l -> $(readlink "$R/$l")"
	done
	run "$R/usr/bin/mailq" --version
	assert_success
	assert_line --index 0 --regexp '^bote [0-9]'
	assert_line "test hooks: off"
	for l in man8/sendmail.8.gz man1/mailq.1.gz man1/newaliases.1.gz; do
		[ -f "$R/usr/share/man/$l" ] || fail "$l does not resolve"
	done
	u=$R/etc/systemd/system
	[ -L "$u/timers.target.wants/bote-flush.timer" ] ||
	    fail "bote-flush.timer not enabled"
	[ -L "$u/paths.target.wants/bote-maildrop.path" ] ||
	    fail "bote-maildrop.path not enabled"
	# Removing bote-mta disables them; bote stays, its queue too.
	rdpkg -r bote-mta
	assert_success
	[ ! -e "$R/usr/sbin/sendmail" ] && [ ! -L "$R/usr/sbin/sendmail" ]
	[ ! -e "$u/timers.target.wants/bote-flush.timer" ]
	[ ! -e "$u/paths.target.wants/bote-maildrop.path" ]
	[ -x "$R/usr/bin/bote" ] && [ -d "$R/var/spool/bote/maildrop" ]
	# Purging bote leaves nothing but dpkg's own files.
	rdpkg -P bote-mta bote
	assert_success
	run find "$R" ! -type d ! -path "$R/var/lib/dpkg/*"
	assert_output ""
	run find "$R" -name '*bote*'
	assert_output ""
}

# mta_script NAME ARG...: bote-mta's maintainer script NAME run with
# ARGs, deb-systemd-helper, deb-systemd-invoke and systemctl replaced by
# a log of their calls, which it leaves in $calls.
mta_script() {
	local stub=$BATS_TEST_TMPDIR/stub name=$1 c
	shift
	mkdir -p "$stub"
	for c in deb-systemd-helper deb-systemd-invoke systemctl; do
		printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$c" \
		    "$BATS_TEST_TMPDIR" >"$stub/$c"
		chmod +x "$stub/$c"
	done
	rm -f "$BATS_TEST_TMPDIR/calls"
	dpkg-deb --ctrl-tarfile "$MTA_DEB" |
	    tar -xOf - "./$name" >"$BATS_TEST_TMPDIR/$name"
	run env PATH="$stub:$PATH" DPKG_MAINTSCRIPT_PACKAGE=bote-mta \
	    DEBCONF_RECONFIGURE="${RECONF:-}" sh "$BATS_TEST_TMPDIR/$name" "$@"
	assert_success
	touch "$BATS_TEST_TMPDIR/calls"
	calls=$(cat "$BATS_TEST_TMPDIR/calls")
}

@test "bote-mta's postinst enables the flush timer on a first install only" {
	have_debs
	mta_script postinst configure ""
	[[ $calls == *"deb-systemd-helper reenable bote-flush.timer"* ]] ||
	    fail "first install: $calls"
	# The maildrop is not set up here (or it is: then the path unit).
	if [ "$(stat -c %u:%a "$QUEUE/maildrop" 2>/dev/null)" != 0:1733 ]; then
		[[ $calls != *bote-maildrop.path* ]] || fail "$calls"
	fi
	mta_script postinst configure 0.0.9
	[ -z "$calls" ] || fail "upgrade: $calls"
	RECONF=1 mta_script postinst configure 0.0.9
	[[ $calls == *"reenable bote-flush.timer"* ]] ||
	    fail "dpkg-reconfigure: $calls"
	mta_script prerm remove
	[[ $calls == *"deb-systemd-helper disable bote-flush.timer bote-maildrop.path"* ]] ||
	    fail "remove: $calls"
	mta_script prerm upgrade 0.1.1
	[ -z "$calls" ] || fail "prerm upgrade: $calls"
}

@test "dpkg -i bote: in place, the queue made root's 0700, no unit enabled" {
	need_install
	dpkg -L bote >/dev/null 2>&1 && fail "bote is installed already"
	local had_queue=
	[ -d "$QUEUE" ] && had_queue=1
	run dpkg -i "$BOTE_DEB"
	assert_success
	[ -x /usr/bin/bote ]
	run stat -c '%U:%G %a' /etc/bote.conf
	assert_output "root:root 600"
	if [ -z "$had_queue" ]; then
		run stat -c '%U:%G %a' "$QUEUE" "$QUEUE/q" "$QUEUE/tmp" \
		    "$QUEUE/failed"
		assert_output "$(printf 'root:root 700\n%.0s' 1 2 3 4)"
	fi
	run /usr/bin/bote --version
	assert_success
	assert_line "test hooks: off"
	assert_line "system configuration: /etc/bote.conf"
	assert_line "queue: /var/spool/bote"
	run find /etc/systemd -name 'bote-*'
	assert_output ""
	dpkg -L bote >"$STATE/files"
}

@test "the installed /usr/bin/bote delivers through the test Postfix" {
	need_install
	[ -x /usr/bin/bote ] || fail "bote is not installed"
	local conf=$BATS_TEST_TMPDIR/conf msg=$BATS_TEST_TMPDIR/msg
	maildir_clear
	bote_conf "$conf"
	printf 'Subject: package smoke test\n\nsent by the installed bote\n' \
	    >"$msg"
	run timeout 20 /usr/bin/bote -C "$conf" -i rcpt@example.org <"$msg"
	assert_success
	maildir_wait 1
	run grep -c '^Subject: package smoke test$' "$(maildir_last_file)"
	assert_output 1
	# One more, to a server that is down: queued in root's queue, for
	# the purge below to name.
	sed 's/^port .*/port 1/' "$conf" >"$conf.down"
	chmod 0600 "$conf.down"
	run timeout 20 /usr/bin/bote -C "$conf.down" -i rcpt@example.org <"$msg"
	assert_success
	assert_output --regexp 'queued as [0-9A-F]+'
	echo "$output" | sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p' \
	    >"$STATE/queued-id"
	[ -f "$QUEUE/q/$(cat "$STATE/queued-id").ctl" ] ||
	    fail "not in $QUEUE/q"
}

@test "dpkg -i bote again (an upgrade): the edited bote.conf and the queue stay" {
	need_install
	[ -s "$STATE/files" ] || fail "bote was not installed"
	local id
	id=$(cat "$STATE/queued-id")
	echo "# edited by the administrator" >>/etc/bote.conf
	run dpkg -i "$BOTE_DEB"
	assert_success
	run tail -n 1 /etc/bote.conf
	assert_output "# edited by the administrator"
	run stat -c '%U %a' /etc/bote.conf
	assert_output "root 600"
	[ -f "$QUEUE/q/$id.ctl" ] || fail "the queued message is gone"
	run /usr/bin/bote -bp
	assert_success
	assert_output --partial "$id"
}

@test "dpkg -r bote: the program goes, bote.conf and the queue stay" {
	need_install
	[ -s "$STATE/files" ] || fail "bote was not installed"
	run dpkg -r bote
	assert_success
	[ ! -e /usr/bin/bote ]
	[ -f /etc/bote.conf ]
	[ -f "$QUEUE/q/$(cat "$STATE/queued-id").ctl" ]
	run dpkg-query -W -f '${db:Status-Status}' bote
	assert_output config-files
}

@test "dpkg -P bote: says what is queued, then nothing of bote is left" {
	need_install
	[ -s "$STATE/files" ] || fail "bote was not installed"
	local id f left=
	id=$(cat "$STATE/queued-id")
	run dpkg -P bote
	assert_success
	assert_output --partial "bote: purging /var/spool/bote, which holds 1 queued message(s)"
	assert_line "  $id from <bote-test@example.org> to <rcpt@example.org>"
	[ ! -e /etc/bote.conf ]
	[ ! -e "$QUEUE" ]
	run dpkg-query -W -f '${db:Status-Status}' bote
	[ "$status" -ne 0 ] || [ "$output" = not-installed ] ||
	    fail "dpkg says bote is $output"
	# Every file dpkg -L listed is gone; a directory may stay only
	# when another package owns it too.
	while read -r f; do
		[ "$f" != /. ] || continue
		[ -e "$f" ] || [ -L "$f" ] || continue
		if [ -d "$f" ] && dpkg -S "$f" >/dev/null 2>&1; then
			continue
		fi
		left+=" $f"
	done <"$STATE/files"
	[ -z "$left" ] || fail "left after purge:$left"
	run ls /var/lib/dpkg/info/ -1
	refute_line --regexp '^bote\.'
	# deb-systemd-helper's state of the units, and any link to them.
	for f in /var/lib/systemd/deb-systemd-helper-enabled \
	    /var/lib/systemd/deb-systemd-helper-masked /etc/systemd; do
		[ -d "$f" ] || continue
		run find "$f" -name 'bote-*'
		assert_output ""
	done
}
