#!/usr/bin/env bats
# Connecting: Happy Eyeballs (RFC 8305) over the addresses of a name,
# ip_version and --ipv4/--ipv6, source_ip, internationalised host names.
#
# Everything stays on loopback and no name is ever looked up in the DNS:
# names with several addresses come from a hosts file of the test's own,
# read through nss_wrapper (libnss-wrapper: LD_PRELOAD with
# NSS_WRAPPER_HOSTS), which answers getaddrinfo() from that file. Tests
# that need it are skipped, saying why, where it is not installed. The
# order of events is asserted on the -v trace lines, never on times.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	HOSTS=$BATS_TEST_TMPDIR/hosts
	MSG=$BATS_TEST_TMPDIR/msg
	printf '%s\n' 'From: sender@example.org' 'To: rcpt@example.net' \
		'Subject: net test' '' 'NET-BODY' >"$MSG"
	# A permissive server: whatever bote sends is answered and recorded.
	printf '%s\n' 'send 220 mx.test ESMTP smtpscript' 'auto' >"$S"
	BLACKHOLE_PID=
}

teardown() {
	script_stop
	if [ -n "$BLACKHOLE_PID" ]; then
		kill "$BLACKHOLE_PID" 2>/dev/null || true
		wait "$BLACKHOLE_PID" 2>/dev/null || true
	fi
}

nss_wrapper_lib() {
	local f
	for f in /usr/lib/*/libnss_wrapper.so /usr/lib64/libnss_wrapper.so \
	    /usr/lib/libnss_wrapper.so; do
		if [ -e "$f" ]; then
			printf '%s\n' "$f"
			return 0
		fi
	done
	return 1
}

need_nss_wrapper() {
	NSSW=$(nss_wrapper_lib) ||
		skip "libnss-wrapper is not installed (names without DNS)"
	# Both families must be there on loopback.
	/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null ||
		skip "no IPv6 on loopback (::1)"
}

# Run bote with -v, names resolved from $HOSTS only.
run_named() {
	run timeout 20 env LD_PRELOAD="$NSSW" NSS_WRAPPER_HOSTS="$HOSTS" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$BOTE" -C "$CONF" -i -v "$@" rcpt@example.net <"$MSG"
}

run_plain() {
	run timeout 20 "$BOTE" -C "$CONF" -i -v "$@" rcpt@example.net <"$MSG"
}

# blackhole ADDR PORT: a listener on ADDR port PORT whose accept queue is
# full (backlog 0 and one connection nobody accepts), so the SYN of a new
# connection gets no answer: a black-holed address, on loopback.
blackhole() {
	local ready=$BATS_TEST_TMPDIR/blackhole.ready i
	/usr/bin/python3 - "$1" "$2" "$ready" <<-'EOF' 3>&- &
		import socket, sys, time
		addr, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
		fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
		s = socket.socket(fam, socket.SOCK_STREAM)
		s.bind((addr, port))
		s.listen(0)
		c = socket.socket(fam, socket.SOCK_STREAM)
		c.connect((addr, port))
		# A second one must now hang: check it before saying ready.
		d = socket.socket(fam, socket.SOCK_STREAM)
		d.setblocking(False)
		d.connect_ex((addr, port))
		time.sleep(0.3)
		if d.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
		    try:
		        d.getpeername()
		        sys.exit("the accept queue did not fill")
		    except OSError:
		        pass
		d.close()
		open(ready, "w").write("ready\n")
		time.sleep(60)
	EOF
	BLACKHOLE_PID=$!
	for i in $(seq 1 100); do
		[ -e "$ready" ] && return 0
		kill -0 "$BLACKHOLE_PID" 2>/dev/null ||
			skip "cannot make a black hole on $1 here"
		sleep 0.05
	done
	fail "the black hole did not start"
}

# The trace lines about connecting, in order, without the program name.
connect_lines() {
	printf '%s\n' "$output" | sed -n 's/^bote: //p' |
		grep -E '^(connecting to|connected to|host |[0-9a-f:.]+: )'
}

@test "a name with ::1 and 127.0.0.1, server on 127.0.0.1 only: ::1 refused, 127.0.0.1 at once" {
	need_nss_wrapper
	printf '%s\n' '::1 dual.test' '127.0.0.1 dual.test' >"$HOSTS"
	script_start "$S"
	script_conf "$CONF" "host dual.test" "tls off" "auth off" "timeout 30"
	run_named
	assert_success
	run connect_lines
	assert_output "connecting to ::1 port $SCRIPT_PORT
::1: Connection refused
connecting to 127.0.0.1 port $SCRIPT_PORT
connected to 127.0.0.1"
	run recorded
	assert_output --partial 'NET-BODY'
}

@test "a black-holed ::1: 127.0.0.1 starts after the stagger, before ::1 times out, and wins" {
	need_nss_wrapper
	printf '%s\n' '::1 dual.test' '127.0.0.1 dual.test' >"$HOSTS"
	script_start "$S"
	blackhole ::1 "$SCRIPT_PORT"
	# A timeout of 30 s: had bote waited for ::1 to time out, the trace
	# would show "::1: timed out" before 127.0.0.1 was tried.
	script_conf "$CONF" "host dual.test" "tls off" "auth off" "timeout 30"
	run_named
	assert_success
	run connect_lines
	assert_output "connecting to ::1 port $SCRIPT_PORT
connecting to 127.0.0.1 port $SCRIPT_PORT
connected to 127.0.0.1"
}

@test "a black-holed 127.0.0.1 listed first: IPv4 first, then ::1 after the stagger" {
	need_nss_wrapper
	printf '%s\n' '127.0.0.1 dual.test' '::1 dual.test' >"$HOSTS"
	script_start "$S" --listen ::1
	blackhole 127.0.0.1 "$SCRIPT_PORT"
	script_conf "$CONF" "host dual.test" "tls off" "auth off" "timeout 30"
	run_named
	assert_success
	run connect_lines
	assert_output "connecting to 127.0.0.1 port $SCRIPT_PORT
connecting to ::1 port $SCRIPT_PORT
connected to ::1"
	run script_log
	assert_output --partial 'connection from ::1 port'
}

@test "every address refused: 75, naming the error and how many were tried" {
	need_nss_wrapper
	printf '%s\n' '::1 dual.test' '127.0.0.1 dual.test' >"$HOSTS"
	script_start "$S"
	script_stop
	script_conf "$CONF" "host dual.test" "tls off" "auth off"
	run_named
	assert_failure 75
	assert_output --partial "cannot connect to dual.test port $SCRIPT_PORT: 127.0.0.1: Connection refused (2 addresses tried)"
}

@test "ip_version 4: only the IPv4 address is tried" {
	need_nss_wrapper
	printf '%s\n' '::1 dual.test' '127.0.0.1 dual.test' >"$HOSTS"
	script_start "$S"
	script_conf "$CONF" "host dual.test" "tls off" "auth off" \
		"ip_version 4"
	run_named
	assert_success
	run connect_lines
	assert_output "connecting to 127.0.0.1 port $SCRIPT_PORT
connected to 127.0.0.1"
}

@test "ip_version 6: only the IPv6 address is tried" {
	need_nss_wrapper
	printf '%s\n' '127.0.0.1 dual.test' '::1 dual.test' >"$HOSTS"
	script_start "$S" --listen ::1
	script_conf "$CONF" "host dual.test" "tls off" "auth off" \
		"ip_version 6"
	run_named
	assert_success
	run connect_lines
	assert_output "connecting to ::1 port $SCRIPT_PORT
connected to ::1"
}

@test "--ipv4 overrides ip_version 6; --ipv6 overrides ip_version 4" {
	need_nss_wrapper
	printf '%s\n' '::1 dual.test' '127.0.0.1 dual.test' >"$HOSTS"
	script_start "$S"
	script_conf "$CONF" "host dual.test" "tls off" "auth off" \
		"ip_version 6"
	run_named --ipv4
	assert_success
	run connect_lines
	assert_output "connecting to 127.0.0.1 port $SCRIPT_PORT
connected to 127.0.0.1"
	script_stop

	script_start "$S" --listen ::1
	script_conf "$CONF" "host dual.test" "tls off" "auth off" \
		"ip_version 4"
	run_named --ipv6
	assert_success
	run connect_lines
	assert_output "connecting to ::1 port $SCRIPT_PORT
connected to ::1"
}

@test "ip_version 6 to a name with no IPv6 address: 68, saying so" {
	need_nss_wrapper
	printf '%s\n' '127.0.0.1 v4only.test' >"$HOSTS"
	script_start "$S"
	script_conf "$CONF" "host v4only.test" "tls off" "auth off" \
		"ip_version 6"
	run_named
	assert_failure 68
	assert_output --partial "host v4only.test has no IPv6 address"
	refute_output --partial "connecting to"
}

@test "source_ip 127.0.0.2: the server sees the connection come from it" {
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off" "source_ip 127.0.0.2"
	run_plain
	assert_success
	run script_log
	assert_output --partial 'connection from 127.0.0.2 port'
}

@test "a bad source_ip is a configuration error (78) with file:line, not quoted" {
	SCRIPT_PORT=1 script_conf "$CONF" "tls off" "auth off" \
		"source_ip 127.0.0.256"
	run_plain
	assert_failure 78
	assert_output --regexp "bote\.conf:[0-9]+: source_ip must be an IPv4 or IPv6 address"
	refute_output --partial '127.0.0.256'
	refute_output --partial 'connecting to'
}

@test "ip_version that contradicts source_ip is a configuration error (78)" {
	SCRIPT_PORT=1 script_conf "$CONF" "tls off" "auth off" \
		"source_ip ::1" "ip_version 4"
	run_plain
	assert_failure 78
	assert_output --regexp "bote\.conf:[0-9]+: ip_version contradicts source_ip, an IPv6 address"
}

@test "an internationalised host name is looked up as its A-label" {
	need_nss_wrapper
	# The name as written points elsewhere (nothing listens there), so
	# a name looked up unconverted could not reach the server, and is
	# still answered from this file, never by the DNS.
	printf '%s\n' '127.0.0.1 xn--bcher-kva.test' \
		'127.0.0.3 bücher.test' >"$HOSTS"
	script_start "$S"
	script_conf "$CONF" "host bücher.test" "tls off" "auth off"
	run_named
	assert_success
	assert_output --partial "is xn--bcher-kva.test"
	run connect_lines
	assert_line "connected to 127.0.0.1"
}

@test "a host name IDNA refuses is a configuration error (78), nothing looked up" {
	SCRIPT_PORT=1 script_conf "$CONF" "host ☃.test" "tls off" "auth off"
	run_plain
	assert_failure 78
	assert_output --partial "invalid internationalised domain name"
	refute_output --partial "connecting to"
}

@test "localhost from /etc/hosts: 127.0.0.1 is reached whichever family comes first" {
	# Only where this machine's /etc/hosts gives localhost both
	# addresses (with AI_ADDRCONFIG, as bote asks).
	/usr/bin/python3 -c '
import socket, sys
a = {x[4][0] for x in socket.getaddrinfo("localhost", 25, 0,
     socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)}
sys.exit(0 if {"::1", "127.0.0.1"} <= a else 1)' ||
		skip "localhost does not resolve to both ::1 and 127.0.0.1 here"
	script_start "$S"
	script_conf "$CONF" "host localhost" "tls off" "auth off" "timeout 30"
	run_plain
	assert_success
	run connect_lines
	assert_line "connected to 127.0.0.1"
	refute_line --partial "timed out"
}
