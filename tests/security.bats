#!/usr/bin/env bats
# The trust model (bote.1, SECURITY): what callers on the same host can
# and cannot make bote do. No server is needed: every refusal here comes
# before any connection (the account points at 127.0.0.1 port 1).

setup() {
	load /usr/lib/bats/bats-support/load.bash
	load /usr/lib/bats/bats-assert/load.bash
	T=$BATS_TEST_TMPDIR
	CONF=$T/conf
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' >"$CONF"
	printf 'from sender@example.org\nqueue off\n' >>"$CONF"
	chmod 600 "$CONF"
	# bote as a web server finds it: under the name sendmail.
	mkdir -p "$T/bin"
	ln -s "$BOTE" "$T/bin/sendmail"
	SENDMAIL=$T/bin/sendmail
	export HOME=$T/home
	mkdir -p "$HOME/.config/bote"
	cp "$CONF" "$HOME/.config/bote/config"
}

# PHP's mail() passes its fifth parameter after "-t -i".
php_mail() {
	run "$SENDMAIL" -t -i "$@" < <(printf 'To: a@example.org\n\nhi\n')
}

@test "as sendmail, -C (a configuration that could name a program) is refused" {
	printf 'account default\nhost 127.0.0.1\npasswordeval touch %s\n' \
	    "$T/ran" >"$T/evil.conf"
	for opt in "-C$T/evil.conf" "--file=$T/evil.conf"; do
		php_mail "$opt"
		assert_equal "$status" 64
		assert_output --partial "is refused when bote runs as sendmail"
	done
	php_mail -C "$T/evil.conf"
	assert_equal "$status" 64
	assert_output --partial "-C is refused when bote runs as sendmail"
	[ ! -e "$T/ran" ]
}

@test "as sendmail, --passwordeval, --logfile and --aliases are refused; nothing runs or is written" {
	php_mail "--passwordeval=touch $T/ran" --auth=plain --user=u
	assert_equal "$status" 64
	assert_output --partial "--passwordeval is refused when bote runs as sendmail"
	php_mail "--logfile=$T/written.php"
	assert_equal "$status" 64
	assert_output --partial "--logfile is refused"
	php_mail "--logfile-time-format=<?php system(\$_GET[c]); ?>"
	assert_equal "$status" 64
	printf 'a: /etc/passwd\n' >"$T/aliases"
	php_mail "--aliases=$T/aliases"
	assert_equal "$status" 64
	assert_output --partial "--aliases is refused"
	[ ! -e "$T/ran" ]
	[ ! -e "$T/written.php" ]
}

@test "as sendmail, ordinary options still work (the account from the user's file)" {
	php_mail -fsender@example.org
	# Port 1: the connection is refused, so the message got that far.
	assert_equal "$status" 75
}

@test "by its own name, bote takes --logfile and -C" {
	run "$BOTE" -C "$CONF" "--logfile=$T/log" -i a@example.org \
	    < <(printf 'Subject: x\n\nhi\n')
	assert_equal "$status" 75
	[ -s "$T/log" ]
}

@test "as mailq, -C still names the configuration (listing runs nothing)" {
	ln -s "$BOTE" "$T/bin/mailq"
	run "$T/bin/mailq" -C "$CONF"
	assert_success
	# mailq -q would flush, and a flush may run passwordeval.
	run "$T/bin/mailq" -C "$CONF" -q
	assert_equal "$status" 64
}

# A world-searchable place for files another user must reach.
shared_dir() {
	S=$(mktemp -d /tmp/bote-sec.XXXXXX)
	chmod 0755 "$S"
}

@test "as root, a user's configuration file is refused whatever HOME says (sudo -E)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	shared_dir
	mkdir -p "$S/home/.config/bote"
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\nfrom a@example.org\n' \
	    >"$S/home/.config/bote/config"
	printf 'auth plain\nuser u\npasswordeval touch %s/ran\nqueue off\n' "$S" \
	    >>"$S/home/.config/bote/config"
	chown -R nobody "$S/home"
	chmod 0600 "$S/home/.config/bote/config"
	HOME=$S/home run "$BOTE" -i a@example.org < <(printf 'Subject: x\n\nhi\n')
	assert_equal "$status" 78
	assert_output --partial "config: owned by uid $(id -u nobody) with mode 600: as root, bote reads only files owned by root"
	[ ! -e "$S/ran" ]
	rm -rf "$S"
}

@test "a passwordeval in a file another user owns never runs" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	command -v runuser >/dev/null || skip "runuser is not installed"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	id daemon >/dev/null 2>&1 || skip "no user daemon"
	shared_dir
	printf 'account default\nhost 127.0.0.1\nport 1\nfrom a@example.org\n' \
	    >"$S/conf"
	printf 'auth plain\nuser u\npasswordeval touch %s/ran\nqueue off\n' "$S" \
	    >>"$S/conf"
	chown daemon "$S/conf"
	chmod 0644 "$S/conf"
	chmod 0777 "$S"
	run runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME=/nonexistent \
	    "$BOTE" -C "$S/conf" -i a@example.org < <(printf 'Subject: x\n\nhi\n')
	assert_equal "$status" 78
	assert_output --partial "names a passwordeval command (line 7) but is owned by uid $(id -u daemon), not by you"
	[ ! -e "$S/ran" ]
	# Its owner's own file, writable only by them: the command runs.
	chown nobody "$S/conf"
	run runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME=/nonexistent \
	    "$BOTE" -C "$S/conf" -i a@example.org < <(printf 'Subject: x\n\nhi\n')
	[ -e "$S/ran" ]
	rm -rf "$S"
}

@test "root's queue directory must be root's: another user's is not used" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	shared_dir
	mkdir -m 0700 "$S/queue"
	chown nobody "$S/queue"
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' >"$S/conf"
	printf 'from a@example.org\nqueue on\nqueue_dir %s/queue\n' "$S" >>"$S/conf"
	chmod 0600 "$S/conf"
	run "$BOTE" -C "$S/conf" -i a@example.org < <(printf 'Subject: x\n\nhi\n')
	assert_equal "$status" 75
	assert_output --partial "cannot queue the message: the queue directory $S/queue is owned by uid $(id -u nobody) with mode 700"
	run find "$S/queue" -mindepth 1
	assert_output ""
	rm -rf "$S"
}

@test "a log file that is a FIFO or another user's file is not written, and nothing blocks" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	shared_dir
	mkfifo "$S/fifo"
	run timeout 20 "$BOTE" -C "$CONF" "--logfile=$S/fifo" -i a@example.org \
	    < <(printf 'Subject: x\n\nhi\n')
	assert_equal "$status" 75
	assert_output --partial "warning: cannot open log file $S/fifo: a FIFO nobody reads"
	# With a reader waiting, still not written: not a regular file.
	(timeout 10 cat "$S/fifo" >"$S/fifo.out") &
	sleep 0.3
	run timeout 20 "$BOTE" -C "$CONF" "--logfile=$S/fifo" -i a@example.org \
	    < <(printf 'Subject: x\n\nhi\n')
	assert_equal "$status" 75
	assert_output --partial "log file $S/fifo not written: it is not a regular file"
	wait
	[ ! -s "$S/fifo.out" ]
	: >"$S/users.log"
	chown nobody "$S/users.log"
	run "$BOTE" -C "$CONF" "--logfile=$S/users.log" -i a@example.org \
	    < <(printf 'Subject: x\n\nhi\n')
	assert_equal "$status" 75
	assert_output --partial "log file $S/users.log not written: it is another user's file"
	[ ! -s "$S/users.log" ]
	rm -rf "$S"
}
