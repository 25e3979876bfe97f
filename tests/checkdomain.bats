#!/usr/bin/env bats
# The sender-domain report (bote.1, --check-domain): MX, SPF, DMARC, the
# DKIM keys the account signs with, and alignment, each a verdict and the
# fix, from a real DNS server (dnsmasq, tests/fixtures/dnsns) in a
# network namespace of its own: no query leaves the machine.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (a network namespace)"
	command -v dnsmasq >/dev/null || skip "dnsmasq is not installed"
	DNSNS=$TOP_SRCDIR/tests/fixtures/dnsns
	# dnsmasq of the namespace (the suite's default points nowhere).
	export BOTE_TEST_DNS=127.0.0.1:53
	CONF=$BATS_TEST_TMPDIR/conf
	ZONE=$BATS_TEST_TMPDIR/zone
	cd "$BATS_TEST_TMPDIR"
	"$BOTE" --dkim-keygen --domain example.org --selector s1 \
	    --type ed25519 --key "$BATS_TEST_TMPDIR/k.pem" >"$BATS_TEST_TMPDIR/gen"
	PUB=$(sed -n 's/.*"\(v=DKIM1;[^"]*\)".*/\1/p' "$BATS_TEST_TMPDIR/gen" |
	    head -n 1)
	[ -n "$PUB" ] || fail "no record in: $(cat "$BATS_TEST_TMPDIR/gen")"
	conf
}

# conf [LINE...]: an account of example.org through smtp.gmail.com (an
# SPF include bote knows), signing with s1.
conf() {
	(
		umask 077
		printf '%s\n' 'account default' 'host smtp.gmail.com' \
		    'from me@example.org' 'dkim_domain example.org' \
		    'dkim_selector s1' "dkim_key $BATS_TEST_TMPDIR/k.pem" "$@" \
		    >"$CONF"
	)
}

good_zone() {
	printf '%s\n' 'MX example.org mx1.example.org 10' \
	    'TXT example.org v=spf1 include:_spf.google.com -all' \
	    'TXT _dmarc.example.org v=DMARC1; p=reject' \
	    "TXT s1._domainkey.example.org $PUB" >"$ZONE"
}

check() {
	run "$DNSNS" "$ZONE" "$BOTE" -C "$CONF" --check-domain "$@"
}

@test "all is well: every line ok, exit 0" {
	good_zone
	check
	assert_success
	assert_line --index 0 "sender domain example.org, account default, server smtp.gmail.com"
	assert_line --regexp '^MX +ok +10 mx1\.example\.org$'
	assert_line --regexp '^SPF +ok +v=spf1 include:_spf\.google\.com -all: lets smtp\.gmail\.com send \(_spf\.google\.com\)$'
	assert_line --regexp '^DMARC +ok +p=reject, DKIM alignment relaxed, SPF alignment relaxed$'
	assert_line --regexp "^DKIM +ok +s1\\._domainkey\\.example\\.org publishes the key of $BATS_TEST_TMPDIR/k\\.pem\$"
	assert_line --regexp '^Align +ok +From example\.org and DKIM d=example\.org align \(relaxed\)$'
}

@test "no SPF, no DMARC, no DKIM key: errors with the records to publish, exit 1" {
	printf '%s\n' 'MX example.org mx1.example.org 10' \
	    'TXT other.example.org x' >"$ZONE"
	check
	assert_failure 1
	assert_line --regexp '^SPF +error +no SPF record: publish a TXT record "v=spf1 include:'
	assert_line --regexp '^DMARC +warning +no DMARC record at _dmarc\.example\.org'
	assert_line --partial "no key record at s1._domainkey.example.org: publish the TXT record \"$PUB\""
}

@test "two SPF records, +all, an unknown term: each named as receivers see it" {
	good_zone
	sed -i '/v=spf1/d' "$ZONE"
	printf '%s\n' 'TXT example.org v=spf1 -all' 'TXT example.org v=spf1 mx ~all' >>"$ZONE"
	check
	assert_failure 1
	assert_line --partial "more than one v=spf1 record"
	sed -i '/v=spf1/d' "$ZONE"
	echo 'TXT example.org v=spf1 include:_spf.google.com +all' >>"$ZONE"
	check
	assert_line --partial "+all lets any server send as example.org"
	sed -i '/v=spf1/d' "$ZONE"
	echo 'TXT example.org v=spf1 includ:_spf.google.com -all' >>"$ZONE"
	check
	assert_line --partial '"includ:_spf.google.com" is not an SPF term'
}

@test "an SPF record bote cannot relate to the server: a warning, not an error" {
	good_zone
	sed -i 's/include:_spf.google.com/include:spf.example.net/' "$ZONE"
	check
	assert_success
	assert_line --partial "bote cannot tell whether it lets smtp.gmail.com send"
}

@test "another key published under the selector: an error with the right record" {
	good_zone
	sed -i "s|^TXT s1._domainkey.example.org .*|TXT s1._domainkey.example.org v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=|" "$ZONE"
	check
	assert_failure 1
	assert_line --partial "publishes another key than $BATS_TEST_TMPDIR/k.pem"
	assert_line --partial "publish \"$PUB\""
}

@test "p=none and strict DKIM alignment with a d= of another domain" {
	good_zone
	sed -i 's/^TXT _dmarc.example.org .*/TXT _dmarc.example.org v=DMARC1; p=none; adkim=s/' "$ZONE"
	conf 'dkim_domain mail.example.org'
	echo "TXT s1._domainkey.mail.example.org $PUB" >>"$ZONE"
	check
	assert_failure 1
	assert_line --regexp '^DMARC +warning +p=none, DKIM alignment strict'
	assert_line --partial "From example.org and DKIM d=mail.example.org do not align (strict)"
}

@test "a domain named on the command line; no DNS answer at all is 75" {
	good_zone
	check example.org
	assert_success
	# A resolver that answers nothing: try again later.
	: >"$ZONE"
	run unshare -n -m bash -c 'ip link set lo up; echo "nameserver 127.0.0.1" >/tmp/rc.$$; mount --bind /tmp/rc.$$ /etc/resolv.conf; "$@"' - "$BOTE" -C "$CONF" --check-domain
	assert_failure 75
	assert_line --partial "no answer for example.org from the resolver; try again later"
}
