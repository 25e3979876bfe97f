#!/usr/bin/env bats
# make install (README, bote.1 FILES): the binary, the manual pages, the
# systemd units with this build's paths, the cron file and bote.conf as
# examples (the cron file also in a cron.d directory when asked), the bash
# and zsh completions, and --enable-sendmail-links refusing
# another MTA's sendmail before anything is installed. Only the install
# step of the build the suite runs in, into DESTDIR: nothing is rebuilt,
# and the outer make's job server is not inherited.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash

setup() {
	DEST=$BATS_TEST_TMPDIR/dest
}

inst() {
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s \
	    -C "$TOP_BUILDDIR" DESTDIR="$DEST" "$@"
}

# A variable of the configured Makefile ("" when it has none).
mkvar() {
	sed -n "s|^$1 = ||p" "$TOP_BUILDDIR/Makefile" | head -n 1
}

@test "make install puts the units in the unit directory with the build's paths" {
	local unitdir b bindir f
	unitdir=$(mkvar systemdsystemunitdir)
	inst install
	assert_success
	b=$(find "$DEST" -path "*/bin/bote" -type f)
	[ -x "$b" ]
	bindir=$(dirname "${b#"$DEST"}")
	[ -n "$unitdir" ] || skip "configured without systemd units"
	for f in bote-flush.service bote-flush.timer bote-maildrop.path; do
		[ -f "$DEST$unitdir/$f" ] || fail "$unitdir/$f not installed"
		run grep -n '@[a-z]*@' "$DEST$unitdir/$f"
		assert_output ""
	done
	run grep '^ExecStart=' "$DEST$unitdir/bote-flush.service"
	assert_output "ExecStart=$bindir/bote -q --due"
	run grep '^ReadWritePaths=' "$DEST$unitdir/bote-flush.service"
	assert_output "ReadWritePaths=/var/spool/bote"
	run grep '^DirectoryNotEmpty=' "$DEST$unitdir/bote-maildrop.path"
	assert_output "DirectoryNotEmpty=/var/spool/bote/maildrop"
	# The cron file: an example under docdir, no cron.d file unasked.
	f=$(find "$DEST" -path '*/examples/bote.cron')
	[ -f "$f" ] || fail "no examples/bote.cron"
	run grep -v '^#' "$f"
	assert_output "$(printf '*/15 * * * *\troot\t%s/bote -q --due >/dev/null 2>&1 || true' "$bindir")"
	run find "$DEST" -path '*cron.d*'
	assert_output ""
	# The example configuration next to it; the shell completions.
	[ -f "$(dirname "$f")/bote.conf" ] || fail "no examples/bote.conf"
	run find "$DEST" -path '*/bash-completion/completions/bote' -type f
	assert_output --regexp '.'
	run find "$DEST" -path '*/zsh/*/_bote' -type f
	assert_output --regexp '.'
	inst uninstall
	assert_success
	run find "$DEST" ! -type d
	assert_output ""
}

@test "the installed units pass systemd-analyze verify" {
	local unitdir b v=$BATS_TEST_TMPDIR/units f
	command -v systemd-analyze >/dev/null ||
	    skip "systemd-analyze is missing (Debian: package systemd)"
	unitdir=$(mkvar systemdsystemunitdir)
	[ -n "$unitdir" ] || skip "configured without systemd units"
	inst install
	assert_success
	b=$(find "$DEST" -path "*/bin/bote" -type f)
	# The binary is checked for being there: the DESTDIR copy's path.
	mkdir "$v"
	for f in bote-flush.service bote-flush.timer bote-maildrop.path; do
		sed "s|^ExecStart=|ExecStart=$DEST|" "$DEST$unitdir/$f" >"$v/$f"
	done
	grep -q "^ExecStart=$b -q --due\$" "$v/bote-flush.service"
	run systemd-analyze verify --man=no "$v/bote-flush.service" \
	    "$v/bote-flush.timer" "$v/bote-maildrop.path"
	assert_success
	assert_output ""
}

@test "crondir installs the cron file as cron.d/bote, without a dot" {
	inst install crondir=/etc/cron.d
	assert_success
	[ -f "$DEST/etc/cron.d/bote" ] || fail "no /etc/cron.d/bote"
	run grep -c 'bote -q' "$DEST/etc/cron.d/bote"
	assert_output 1
	inst uninstall crondir=/etc/cron.d
	assert_success
	[ ! -e "$DEST/etc/cron.d/bote" ]
}

@test "sendmail links over another MTA's sendmail: make install installs nothing" {
	local prefix sbin
	prefix=$(mkvar prefix)
	sbin=$DEST$prefix/sbin
	mkdir -p "$sbin"
	echo real >"$sbin/sendmail"
	inst install sendmail_links=yes
	assert_failure
	assert_output --partial "is not a symbolic link: not replacing it"
	assert_output --partial "nothing was installed"
	[ "$(cat "$sbin/sendmail")" = real ]
	# Not a file, not a directory more than the test made.
	run find "$DEST" ! -type d
	assert_output "$sbin/sendmail"
	run bash -c 'find "$1" -mindepth 1 -type d | while read -r d; do
		case $2 in "$d" | "$d"/*) ;; *) echo "$d" ;; esac; done' \
	    - "$DEST" "$sbin"
	assert_output ""
}

@test "--version says which files this build reads and where it queues" {
	run env -u BOTE_TEST_SPOOL XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/xdg" \
	    XDG_STATE_HOME="$BATS_TEST_TMPDIR/state" "$BOTE" --version
	assert_success
	assert_line --index 0 --regexp '^bote [0-9]+\.[0-9]+\.[0-9]+$'
	assert_line --index 1 --partial "test hooks: on"
	assert_line "system configuration: $BOTE_TEST_SYSCONF"
	assert_line "user configuration: $BATS_TEST_TMPDIR/xdg/bote/config"
	if [ "$(id -u)" -eq 0 ]; then
		assert_line "queue: /var/spool/bote"
	else
		assert_line "queue: $BATS_TEST_TMPDIR/state/bote/queue"
	fi
	run "$BOTE" -C /some/file --version
	assert_success
	assert_line "user configuration: /some/file (-C)"
}
