#!/usr/bin/env bats
# Configuration files, accounts, command-line overrides and --pretend
# (bote.conf(5), bote.1 FILES and OPTIONS). Nothing here needs a server:
# --pretend connects to nothing, and the one account that would connect
# points at 127.0.0.1 port 1, where nothing listens.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash

setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME/.config/bote"
	unset XDG_CONFIG_HOME
	export BOTE_TEST_SYSCONF="$BATS_TEST_TMPDIR/system.conf"
	USERCONF="$HOME/.config/bote/config"
}

# setting NAME: the value column of NAME in --pretend output
setting() {
	awk -v k="$1" '$1 == k { sub(/^ +[^ ]+ +/, ""); sub(/ +#.*/, ""); print }' <<<"$output"
}

# origin NAME: where NAME came from, in --pretend output
origin() {
	awk -v k="$1" '$1 == k { sub(/.*# /, ""); print }' <<<"$output"
}

@test "the corpus: every file gives its expected --pretend output or errors" {
	run "$TOP_SRCDIR/tests/fixtures/conf/run" "$BOTE"
	assert_success
}

@test "the system file and the user file are both read; the user's account wins" {
	cat >"$BOTE_TEST_SYSCONF" <<-EOF
	defaults
	port 2525
	account shared
	host sys-shared.example
	account default
	host sys-default.example
	from sys@example.org
	EOF
	cat >"$USERCONF" <<-EOF
	account default
	host user-default.example
	from me@example.org
	EOF
	run "$BOTE" -P
	assert_success
	assert_equal "$(setting host)" user-default.example
	assert_equal "$(origin host)" "$USERCONF:2"
	# The system's defaults section does not reach the user's accounts.
	assert_equal "$(setting port)" "25 (from tls and tls_starttls)"
	run "$BOTE" -P -a shared
	assert_success
	assert_equal "$(setting host)" sys-shared.example
	assert_equal "$(setting port)" 2525
	assert_equal "$(origin port)" "$BOTE_TEST_SYSCONF:2 (defaults)"
}

@test "-C replaces the user file, not the system file" {
	printf 'account shared\nhost sys.example\n' >"$BOTE_TEST_SYSCONF"
	printf 'account default\nhost user.example\n' >"$USERCONF"
	printf 'account default\nhost c.example\n' >"$BATS_TEST_TMPDIR/c"
	run "$BOTE" -C "$BATS_TEST_TMPDIR/c" -P
	assert_success
	assert_equal "$(setting host)" c.example
	run "$BOTE" -C "$BATS_TEST_TMPDIR/c" -P -a shared
	assert_success
	assert_equal "$(setting host)" sys.example
}

@test "-f picks the first account whose from matches, user accounts first" {
	printf 'account sys\nhost sys.example\nfrom *@example.org\n' \
	    >"$BOTE_TEST_SYSCONF"
	printf 'account mine\nhost mine.example\nfrom me@example.org\n' \
	    >"$USERCONF"
	run "$BOTE" -P -f me@example.org
	assert_success
	assert_line --index 2 --partial "account mine"
	run "$BOTE" -P -f other@example.org
	assert_success
	assert_line --index 2 --partial "account sys"
}

@test "errors in both files are all reported, each with its file and line" {
	printf 'account a\nport 0\n' >"$BOTE_TEST_SYSCONF"
	printf 'account b\ntls maybe\nbogus_word x\n' >"$USERCONF"
	run "$BOTE" -P
	assert_equal "$status" 78
	assert_line "bote: $BOTE_TEST_SYSCONF:2: port must be a number from 1 to 65535 or a service name"
	assert_line "bote: $USERCONF:2: tls must be on or off"
	assert_line "bote: $USERCONF:3: unknown directive bogus_word"
}

@test "no configuration at all: exit 78 naming both places, and msmtp's" {
	export BOTE_TEST_MSMTP_SYSCONF="$BATS_TEST_TMPDIR/msmtprc"
	run "$BOTE" -P
	assert_equal "$status" 78
	assert_output "bote: no configuration file: create $USERCONF or $BOTE_TEST_SYSCONF (see bote.conf(5)), or name one with -C (msmtp's $HOME/.msmtprc and $BOTE_TEST_MSMTP_SYSCONF were looked for too)"
}

@test "a missing -C file is an error even when a system file exists" {
	printf 'account default\nhost sys.example\n' >"$BOTE_TEST_SYSCONF"
	run "$BOTE" -C "$BATS_TEST_TMPDIR/nope" -P
	assert_equal "$status" 78
	assert_output --partial "cannot read configuration file $BATS_TEST_TMPDIR/nope"
}

@test "a typo gets a suggestion, and no secret is ever echoed" {
	cat >"$USERCONF" <<-EOF
	account default
	host h.example
	tls_startls on
	password S3cr3tPW
	passwrd S3cr3tPW
	S3cr3tPW
	password "S3cr3tPW
	EOF
	chmod 600 "$USERCONF"
	run "$BOTE" -P
	assert_equal "$status" 78
	assert_line "bote: $USERCONF:3: unknown directive tls_startls; did you mean tls_starttls?"
	assert_line "bote: $USERCONF:5: unknown directive passwrd; did you mean password?"
	refute_output --partial S3cr3tPW
}

@test "long options override the file, and --pretend says so" {
	printf 'account default\nhost file.example\nport 587\nfrom a@example.org\n' >"$USERCONF"
	run "$BOTE" -P --host=cli.example --port 2525
	assert_success
	# --host reads no file at all (msmtp's rule).
	assert_line --index 0 "configuration file read: none"
	assert_line --index 1 "account from the command line (--host: no file read)"
	assert_equal "$(setting from)" "(not set)"
	run "$BOTE" -P --port 2525 --tls-starttls=off --tls-trust-file=/etc/ssl/x.pem --domain=me.example --timeout=20 --auth=plain --user=u
	assert_success
	assert_equal "$(setting port)" 2525
	assert_equal "$(origin port)" "command line"
	assert_equal "$(setting tls_starttls)" off
	assert_equal "$(setting tls_trust_file)" /etc/ssl/x.pem
	assert_equal "$(setting domain)" me.example
	assert_equal "$(setting timeout)" 20
	assert_equal "$(setting auth)" plain
	assert_equal "$(setting host)" file.example
	assert_equal "$(origin host)" "$USERCONF:2"
}

@test "a bad long option value is exit 78, an unknown long option 64" {
	printf 'account default\nhost h.example\n' >"$USERCONF"
	run "$BOTE" -P --port=99999
	assert_equal "$status" 78
	assert_output "bote: command line: port must be a number from 1 to 65535 or a service name"
	run "$BOTE" -P --no-such-option=1
	assert_equal "$status" 64
	assert_output --partial "unknown option --no-such-option"
	run "$BOTE" -P --port
	assert_equal "$status" 64
	assert_output --partial "option --port needs a value"
	run "$BOTE" -P --pretend=yes
	assert_equal "$status" 64
	assert_output --partial "option --pretend takes no value"
}

@test "--passwordeval on the command line is hidden like the file's" {
	printf 'account default\nhost h.example\nauth on\nuser u\n' >"$USERCONF"
	run "$BOTE" -P --passwordeval="echo S3cr3tPW"
	assert_success
	assert_equal "$(setting passwordeval)" "(set, not shown)"
	refute_output --partial S3cr3tPW
}

@test "--pretend with recipients prints the envelope and the message as it would be sent" {
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\nfrom me@example.org\n' >"$USERCONF"
	run env BOTE_TEST_TIME=1700000000 BOTE_TEST_MSGID_RANDOM=0123456789abcdef0123456789abcdef \
	    "$BOTE" -P -i you@example.org <<-EOF
	Subject: pretend
	Bcc: hidden@example.org

	body
	.
	EOF
	assert_success
	local msg
	msg=$(sed -n '/^envelope$/,$p' <<<"$output" | tr -d '\r')
	assert_equal "$msg" "envelope
  from <me@example.org>
  to   <you@example.org>
message (as it would be sent, before dot-stuffing)
Date: Tue, 14 Nov 2023 22:13:20 +0000
From: me@example.org
Message-ID: <0123456789abcdef0123456789abcdef@example.org>
Subject: pretend

body
."
}

@test "--pretend without recipients does not read standard input" {
	printf 'account default\nhost h.example\n' >"$USERCONF"
	# If bote read stdin it would wait for sleep to end; timeout says so.
	run timeout 20 bash -c '"$BOTE" -P < <(sleep 30) >/dev/null; echo "exit $?"'
	assert_output "exit 0"
}

@test "%U and %H in from are expanded as msmtp does" {
	printf 'account default\nhost h.example\nfrom %%U@%%H.example\n' >"$USERCONF"
	USER=joe run "$BOTE" -P
	assert_success
	assert_equal "$(setting from)" "joe@$(hostname).example"
}

@test "obsolete names: a note on a terminal, -v or -P, silence otherwise" {
	# queue off: the exit status of the failed send is the point (75).
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\nfrom a@example.org\ntls_nostarttls\nqueue off\n' >"$USERCONF"
	run "$BOTE" -P
	assert_success
	assert_output --partial "bote: note: $USERCONF:6: tls_nostarttls is obsolete; write tls_starttls off instead"
	run --separate-stderr "$BOTE" -i you@example.org <<<"x"
	assert_equal "$status" 75
	refute_output --partial "obsolete"
	[[ "$stderr" != *obsolete* ]]
}

# The permission rule runs as an ordinary user: root owns everything.
# nobody must reach the files and the binary, so both go to a directory
# of its own under /tmp (the build tree may be in root's home).
as_nobody() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
	elif command -v setpriv >/dev/null; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else
		skip "neither an ordinary user nor setpriv"
	fi
}

@test "a file with a password: refused unless mode 600 and ours, checked on what is read" {
	local d
	d=$(mktemp -d /tmp/bote-perm.XXXXXX)
	chmod 755 "$d"
	cp "$BOTE" "$d/bote"
	printf 'account default\nhost h.example\nauth on\nuser u\npassword S3cr3tPW\n' >"$d/conf"
	chmod 644 "$d/conf"
	[ "$(id -u)" -ne 0 ] || chown nobody "$d/conf"
	run as_nobody "$d/bote" -C "$d/conf" -P
	assert_equal "$status" 78
	assert_output "bote: $d/conf: holds a password (line 5) but others may read it (mode 644): run chmod 600 $d/conf"
	refute_output --partial S3cr3tPW

	chmod 600 "$d/conf"
	run as_nobody "$d/bote" -C "$d/conf" -P
	assert_success

	# Owned by someone else (root here): refused whatever the mode.
	if [ "$(id -u)" -eq 0 ]; then
		chown root "$d/conf"
		chmod 604 "$d/conf"
		run as_nobody "$d/bote" -C "$d/conf" -P
		assert_equal "$status" 78
		assert_output --partial "holds a password (line 5) but is owned by uid 0, not by you"
		chown nobody "$d/conf"
		chmod 600 "$d/conf"
	fi

	# Through a symbolic link: refused (O_NOFOLLOW).
	ln -s "$d/conf" "$d/link"
	run as_nobody "$d/bote" -C "$d/link" -P
	assert_equal "$status" 78
	assert_output "bote: $d/link: holds a password (line 5) but is a symbolic link: name the file itself with -C, or move the password to passwordeval"
	rm -rf "$d"
}

@test "a file without a literal password may be a link of any mode" {
	local d="$BATS_TEST_TMPDIR/perm2"
	mkdir -p "$d"
	printf 'account default\nhost h.example\n' >"$d/conf"
	chmod 644 "$d/conf"
	ln -s "$d/conf" "$d/link"
	run "$BOTE" -C "$d/link" -P
	assert_success
}

@test "\${VAR} in a path is expanded; an unset one is an error" {
	printf 'account default\nhost h.example\ntls_trust_file ${BOTE_T_CERTS}/ca.pem\n' >"$USERCONF"
	BOTE_T_CERTS=/etc/ssl run "$BOTE" -P
	assert_success
	assert_equal "$(setting tls_trust_file)" /etc/ssl/ca.pem
	run env -u BOTE_T_CERTS "$BOTE" -P
	assert_equal "$status" 78
	assert_output "bote: $USERCONF:3: tls_trust_file uses \${BOTE_T_CERTS}, which is not set"
}

@test "a 60 KiB passwordeval line works (msmtp stops at 500 characters)" {
	local tok
	tok=$(head -c 60000 /dev/zero | tr '\0' A)
	printf 'account default\nhost h.example\nauth on\nuser u\npasswordeval "echo %s"\n' "$tok" >"$USERCONF"
	run "$BOTE" -P
	assert_success
	assert_equal "$(setting passwordeval)" "(set, not shown)"
}

@test "no core dump once a configuration file is read (it may hold a password)" {
	[ "$(ulimit -H -c)" != 0 ] || skip "the hard core-size limit is already 0"
	# auth off: no password source is ever asked, only the file is read.
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\npassword S3cr3tPW\n' >"$USERCONF"
	chmod 600 "$USERCONF"
	# -bs waits for SMTP commands on stdin: look at it while it waits.
	coproc BS { exec "$BOTE" -bs; }
	local pid=$BS_PID limits= i
	for i in $(seq 100); do
		limits=$(grep '^Max core file size' "/proc/$pid/limits" 2>/dev/null)
		[[ $limits == *" 0 "*" 0 "* ]] && break
		sleep 0.05
	done
	echo QUIT >&"${BS[1]}"
	wait "$pid" || true
	[[ $limits == *" 0 "*" 0 "* ]] || fail "core limit: $limits"
}

@test "the queue modes need no default account: each message names its own" {
	printf 'account other\nhost 127.0.0.1\nport 1\ntls off\nfrom a@example.org\nqueue_dir %s/q\n' \
	    "$BATS_TEST_TMPDIR" >"$USERCONF"
	run "$BOTE" -q
	assert_success
	run "$BOTE" -bp
	assert_success
	assert_output "Mail queue is empty"
	# -a still has to name an account that exists.
	run "$BOTE" -q -a nosuch
	assert_equal "$status" 78
	assert_output --partial "account nosuch not found"
}

# --- msmtp's files, read when no bote file exists (bote.conf(5), FILES) ------

@test "no bote file: ~/.msmtprc is read without -C, and -P and --version name it" {
	export BOTE_TEST_MSMTP_SYSCONF="$BATS_TEST_TMPDIR/msmtprc"
	printf 'account default\nhost rc.example.org\nfrom me@example.org\n' \
	    >"$HOME/.msmtprc"
	run "$BOTE" -P
	assert_success
	assert_line --index 0 "configuration file read: $HOME/.msmtprc"
	assert_equal "$(setting host)" rc.example.org
	assert_equal "$(origin host)" "$HOME/.msmtprc:2"
	run "$BOTE" --version
	assert_success
	assert_line "msmtp system configuration: $BOTE_TEST_MSMTP_SYSCONF (read: no bote file exists)"
	assert_line "msmtp user configuration: $HOME/.msmtprc (read: no bote file exists)"
	# A bote file of the user's own: msmtp's are left alone.
	printf 'account default\nhost bote.example.org\n' >"$USERCONF"
	run "$BOTE" -P
	assert_success
	assert_line --index 0 "configuration file read: $USERCONF"
	assert_equal "$(setting host)" bote.example.org
	run "$BOTE" --version
	assert_line "msmtp user configuration: $HOME/.msmtprc (not read: a bote file exists)"
	# So is a system file (bote's), even one this user cannot use.
	rm "$USERCONF"
	printf 'account other\nhost sys.example.org\n' >"$BOTE_TEST_SYSCONF"
	run "$BOTE" -P
	assert_failure 78
	assert_output --partial "account default not found in $BOTE_TEST_SYSCONF"
}

@test "msmtp's order: ~/.msmtprc, else \$XDG_CONFIG_HOME/msmtp/config; /etc/msmtprc first" {
	export BOTE_TEST_MSMTP_SYSCONF="$BATS_TEST_TMPDIR/msmtprc"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/xdg"
	mkdir -p "$XDG_CONFIG_HOME/msmtp"
	printf 'account default\nhost xdg.example.org\n' \
	    >"$XDG_CONFIG_HOME/msmtp/config"
	printf 'account default\nhost sys.example.org\naccount shared\nhost shared.example.org\n' \
	    >"$BOTE_TEST_MSMTP_SYSCONF"
	run "$BOTE" -P
	assert_success
	assert_line --index 0 "configuration file read: $BOTE_TEST_MSMTP_SYSCONF"
	assert_line --index 1 "configuration file read: $XDG_CONFIG_HOME/msmtp/config"
	assert_equal "$(setting host)" xdg.example.org
	run "$BOTE" -P -a shared
	assert_equal "$(setting host)" shared.example.org
	# msmtp reads ~/.msmtprc when both exist.
	printf 'account default\nhost dot.example.org\n' >"$HOME/.msmtprc"
	run "$BOTE" -P
	assert_success
	assert_line --index 1 "configuration file read: $HOME/.msmtprc"
	assert_equal "$(setting host)" dot.example.org
	# msmtp itself agrees, where it is installed.
	if command -v msmtp >/dev/null; then
		run msmtp --version
		assert_line "User configuration file name: $HOME/.msmtprc"
	fi
	# -C still replaces the user file; /etc/msmtprc stays the system's.
	printf 'account mine\nhost c.example.org\n' >"$BATS_TEST_TMPDIR/c"
	run "$BOTE" -C "$BATS_TEST_TMPDIR/c" -P
	assert_success
	assert_equal "$(setting host)" sys.example.org
	run "$BOTE" -C "$BATS_TEST_TMPDIR/c" -P -a mine
	assert_equal "$(setting host)" c.example.org
}

@test "msmtp's files obey bote's rules: a password in a file others may read is refused" {
	export BOTE_TEST_MSMTP_SYSCONF="$BATS_TEST_TMPDIR/msmtprc"
	# A password no setting's name contains (oauth2_client_secret does).
	printf 'account default\nhost rc.example.org\nuser u\npassword pw-Zq81x\n' \
	    >"$HOME/.msmtprc"
	chmod 644 "$HOME/.msmtprc"
	run "$BOTE" -P
	assert_failure 78
	assert_output "bote: $HOME/.msmtprc: holds a password (line 4) but others may read it (mode 644): run chmod 600 $HOME/.msmtprc"
	chmod 600 "$HOME/.msmtprc"
	run "$BOTE" -P
	assert_success
	refute_output --partial pw-Zq81x
	# As root, a file that is not root's own is not read at all.
	[ "$(id -u)" -eq 0 ] || return 0
	printf 'account default\nhost sys.example.org\n' \
	    >"$BOTE_TEST_MSMTP_SYSCONF"
	chown nobody "$BOTE_TEST_MSMTP_SYSCONF"
	run "$BOTE" -P
	assert_failure 78
	assert_output --partial "$BOTE_TEST_MSMTP_SYSCONF: owned by uid $(id -u nobody) with mode 644: as root, bote reads only files owned by root"
}

@test "no file of either kind: mailq and -q stay quiet; one msmtp file is enough for them" {
	export BOTE_TEST_MSMTP_SYSCONF="$BATS_TEST_TMPDIR/msmtprc"
	fresh_queue
	run "$BOTE" -bp
	assert_success
	assert_output "Mail queue is empty"
	# With ~/.msmtprc, mailq reads it: its errors are the user's to see.
	printf 'account default\nport 0\n' >"$HOME/.msmtprc"
	run "$BOTE" -bp
	assert_failure 78
	assert_output "bote: $HOME/.msmtprc:2: port must be a number from 1 to 65535 or a service name"
}
