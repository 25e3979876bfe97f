#!/usr/bin/env bats
# The binary's command line, configuration errors and input checks: all
# decided before any connection is made, so no server is needed. Where a
# test needs an account, it points at 127.0.0.1 port 1, where nothing
# listens: reaching the network at all shows up as exit 75.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash

setup() {
	CONF="$BATS_TEST_TMPDIR/conf"
	cat >"$CONF" <<-EOF2
	account default
	host 127.0.0.1
	port 1
	tls off
	from sender@example.org
	queue off
	EOF2
	chmod 600 "$CONF"
}

@test "--version names the program and version" {
	run "$BOTE" --version
	assert_success
	assert_line --index 0 --regexp '^bote [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "the build under test reads the test hooks (configure --enable-test-hooks)" {
	# Without them every test that sets the clock would fail obscurely.
	run "$BOTE" --version
	assert_line --index 1 --partial "test hooks: on"
}

@test "--help prints the synopsis of bote.1" {
	run "$BOTE" --help
	assert_success
	local man
	man=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$TOP_SRCDIR/man/bote.1" |
	    sed -n '/^\.nf/,/^\.fi/p' | sed '1d;$d' | sed 's/\\-/-/g; s/\\(em/--/g')
	assert_equal "$output" "$man"
}

@test "an unknown flag is a usage error (64) that names it" {
	run "$BOTE" -C "$CONF" -Z rcpt@example.org </dev/null
	assert_equal "$status" 64
	assert_output --partial "unknown option -Z"
}

@test "an unknown long option is a usage error (64)" {
	run "$BOTE" --frobnicate </dev/null
	assert_equal "$status" 64
	assert_output --partial "--frobnicate"
}

@test "daemon and test modes are refused with 64, never a plain send" {
	for m in -bd -bD -bt -bh -bH -bx; do
		run "$BOTE" -C "$CONF" "$m" rcpt@example.org </dev/null
		assert_equal "$status" 64
		assert_output --partial "is not supported"
	done
}

@test "-bp and mailq say when the queue is empty" {
	echo "queue_dir $BATS_TEST_TMPDIR/queue" >>"$CONF"
	run "$BOTE" -C "$CONF" -bp
	assert_success
	assert_output "Mail queue is empty"
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/mailq"
	run "$BATS_TEST_TMPDIR/mailq" -C "$CONF"
	assert_success
	assert_output "Mail queue is empty"
}

@test "no configuration file at all: mailq, -bp, -q and newaliases exit 0" {
	mkdir "$BATS_TEST_TMPDIR/home"
	nocf() {
		env -u XDG_CONFIG_HOME -u XDG_STATE_HOME \
		    HOME="$BATS_TEST_TMPDIR/home" \
		    BOTE_TEST_SPOOL="$BATS_TEST_TMPDIR/spool" \
		    BOTE_TEST_SYSCONF="$BATS_TEST_TMPDIR/missing.conf" "$@"
	}
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/mailq"
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/newaliases"
	run nocf "$BATS_TEST_TMPDIR/mailq"
	assert_success
	assert_output "Mail queue is empty"
	run nocf "$BOTE" -bp
	assert_success
	assert_output "Mail queue is empty"
	# No queue directory at all is not an error.
	run nocf "$BOTE" -q
	assert_success
	assert_output ""
	run nocf "$BOTE" -bp --json
	assert_success
	assert_output "[]"
	run nocf "$BOTE" -q
	assert_success
	run nocf "$BATS_TEST_TMPDIR/newaliases"
	assert_success
	assert_output "newaliases: no configuration file, so no aliases file: nothing to check"
	run nocf "$BOTE" -bi
	assert_success
	# Nothing was created in the empty home by any of them.
	assert_equal "$(find "$BATS_TEST_TMPDIR/home" -mindepth 1 | wc -l)" 0
}

@test "-q with an empty queue: silent for cron, a word on a terminal; -q1h runs it once" {
	echo "queue_dir $BATS_TEST_TMPDIR/queue" >>"$CONF"
	# stderr is not a terminal (cron, a timer): nothing at all.
	"$BOTE" -C "$CONF" -q >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
	[ ! -s "$BATS_TEST_TMPDIR/out" ] || fail "-q said: $(cat "$BATS_TEST_TMPDIR/out")"
	# A person asked (-v): the summary.
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_output --partial "the queue is empty"
	run "$BOTE" -C "$CONF" -q1h
	assert_success
	assert_output --partial "runs no daemon"
}

@test "an aliases file that cannot be read is a 78, before connecting" {
	echo "aliases $BATS_TEST_TMPDIR/none" >>"$CONF"
	run "$BOTE" -C "$CONF" rcpt@example.org <<<"x"
	assert_equal "$status" 78
	assert_output --partial "cannot read the aliases file"
}

@test "a flag missing its value is a usage error (64)" {
	run "$BOTE" -C "$CONF" -f </dev/null
	assert_equal "$status" 64
	assert_output --partial "-f needs a value"
}

@test "no recipients is a usage error (64), checked before connecting" {
	run "$BOTE" -C "$CONF" <<<"Subject: x"
	assert_equal "$status" 64
	assert_output --partial "no recipients"
}

@test "cron's flags are accepted: -FCronDaemon -i -B8BITMIME -oem" {
	run "$BOTE" -C "$CONF" -FCronDaemon -i -B8BITMIME -oem root <<<"x"
	# Accepted: it went on to connect (and found nothing listening).
	assert_equal "$status" 75
	assert_output --partial "cannot connect to 127.0.0.1 port 1"
}

@test "grouped and glued flags: -ti -fuser@x -odi -oem, ignored -m -n -U" {
	run "$BOTE" -C "$CONF" -ti -fuser@example.org -odi -oem -m -n -U \
	    -h 5 -L tag -O Opt=1 -Am <<<"To: a@example.org"
	assert_equal "$status" 75
}

@test "operands after -- are recipients even with a leading dash" {
	run "$BOTE" -C "$CONF" -- -odd@example.org <<<"x"
	assert_equal "$status" 75
}

@test "a missing -C file is a configuration error (78)" {
	run "$BOTE" -C "$BATS_TEST_TMPDIR/nope" rcpt@example.org </dev/null
	assert_equal "$status" 78
	assert_output --partial "nope"
}

@test "every configuration error is reported with file:line, exit 78" {
	cat >"$CONF" <<-EOF2
	account default
	host 127.0.0.1
	port 99999
	tls maybe
	frobnicate yes
	EOF2
	run "$BOTE" -C "$CONF" rcpt@example.org </dev/null
	assert_equal "$status" 78
	assert_line --partial "$CONF:3:"
	assert_line --partial "$CONF:4:"
	assert_line --partial "$CONF:5:"
}

@test "a password never appears in a configuration error" {
	cat >"$CONF" <<-EOF2
	account default
	host 127.0.0.1
	password "Sekr3t-Value
	EOF2
	run "$BOTE" -C "$CONF" rcpt@example.org </dev/null
	assert_equal "$status" 78
	refute_output --partial "Sekr3t"
}

@test "an unknown account is a configuration error (78)" {
	run "$BOTE" -C "$CONF" -a nosuch rcpt@example.org </dev/null
	assert_equal "$status" 78
	assert_output --partial "nosuch"
}

@test "auth with tls off is refused before connecting (78)" {
	cat >>"$CONF" <<-EOF2
	auth on
	user u
	password p
	EOF2
	run "$BOTE" -C "$CONF" rcpt@example.org <<<"x"
	assert_equal "$status" 78
	assert_output --partial "clear"
}

@test "a NUL byte in the message is refused (65) before connecting" {
	run bash -c 'printf "Subject: x\n\nab\0cd\n" | "$BOTE" -C "$1" r@example.org' _ "$CONF"
	assert_equal "$status" 65
	assert_output --partial "NUL"
}

@test "a recipient with a line break is refused (65) before connecting" {
	run "$BOTE" -C "$CONF" $'a@example.org\r\nRCPT TO:<b@example.org>' <<<"x"
	assert_equal "$status" 65
}

@test "a recipient with angle brackets inside is refused (65)" {
	run "$BOTE" -C "$CONF" 'a>b@example.org' <<<"x"
	assert_equal "$status" 65
}

@test "nothing listening: 75 with what failed and what to do" {
	run "$BOTE" -C "$CONF" rcpt@example.org <<<"x"
	assert_equal "$status" 75
	assert_output --regexp '^bote: .*127\.0\.0\.1 port 1.*try again later$'
}

@test "closed stdout and stderr do not change the exit status" {
	run bash -c '"$BOTE" -C "$1" rcpt@example.org <<<x >&- 2>&-' _ "$CONF"
	assert_equal "$status" 75
}
