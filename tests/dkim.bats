#!/usr/bin/env bats
# DKIM signing (bote.conf(5), DKIM): messages signed by bote, delivered
# by the test Postfix, read back from the Maildir and verified by two
# verifiers bote's authors did not write, dkimpy and OpenDKIM
# (tests/fixtures/dkimcheck), with the public keys derived by certtool,
# not by bote, and served by a DNS server on a private loopback.
# Then the failures that must stop a send before anything goes out.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

DKIMCHECK="$TOP_SRCDIR/tests/fixtures/dkimcheck"

setup_file() {
	# Room for the 100 MB message.
	export TESTBED_MESSAGE_SIZE_LIMIT=200000000
	testbed_setup_file || return 1
	KEYS=$BATS_FILE_TMPDIR/keys
	mkdir -p "$KEYS"
	chmod 700 "$KEYS"
	(
		umask 077
		certtool --generate-privkey --key-type=rsa --bits=2048 \
		    --outfile "$KEYS/rsa.pem"
		certtool --generate-privkey --key-type=ed25519 \
		    --outfile "$KEYS/ed.pem"
	) >/dev/null 2>&1 || return 1
	# p= as RFC 6376 3.6.1 (SubjectPublicKeyInfo) and RFC 8463 4 (the
	# 32 octets of the Ed25519 key, the end of its SubjectPublicKeyInfo).
	local rsa ed
	rsa=$(certtool --load-privkey "$KEYS/rsa.pem" --pubkey-info --outder \
	    2>/dev/null | base64 -w0)
	ed=$(certtool --load-privkey "$KEYS/ed.pem" --pubkey-info --outder \
	    2>/dev/null | tail -c 32 | base64 -w0)
	printf '%s %s\n' \
	    "rsa1._domainkey.example.org" "v=DKIM1; k=rsa; p=$rsa" \
	    "ed1._domainkey.example.org" "v=DKIM1; k=ed25519; p=$ed" \
	    >"$KEYS/zone"
	export KEYS
}

setup() {
	CONF="$BATS_TEST_TMPDIR/conf"
	MSG="$BATS_TEST_TMPDIR/msg"
	QDIR="$BATS_TEST_TMPDIR/queue"
	maildir_clear
}

# conf [LINE...]: the testbed's accounts, signing with both keys.
conf() {
	bote_conf "$CONF" "dkim_domain example.org" \
	    "dkim_selector rsa1" "dkim_key $KEYS/rsa.pem" \
	    "dkim_selector2 ed1" "dkim_key2 $KEYS/ed.pem" "$@"
}

# down, up: the server of $CONF's default account down (port 1, where
# nothing listens) or back. A queued message is delivered through the
# file it was queued under (bote.1, QUEUE), so the file itself changes.
down() { sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$CONF"; }
up() { sed -i "s/^port 1\$/port $TESTBED_STARTTLS_PORT/" "$CONF"; }

# verified: the newest delivered message passes both verifiers, for
# each of its signatures; the verdicts go to the TAP log.
verified() {
	local want=${1:-2}
	maildir_wait 1
	run "$DKIMCHECK" "$KEYS/zone" "$(maildir_last_file)"
	printf '# %s\n' "${lines[@]}" >&3
	assert_success
	assert_equal "$(grep -c '^dkimpy: .*: pass$' <<<"$output")" "$want"
	assert_line "opendkim: pass"
}

@test "rsa-sha256 and ed25519-sha256, relaxed/relaxed: both verifiers pass both signatures" {
	conf
	printf 'From: a@example.org\nTo: b@example.org\nSubject: hi  there\n\nbody  line \n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	verified
	run grep -c '^DKIM-Signature: v=1; a=' "$(maildir_last_file)"
	assert_output 2
}

@test "every canonicalization: simple/simple, relaxed/simple, simple/relaxed" {
	local c
	for c in simple/simple relaxed/simple simple/relaxed; do
		conf "dkim_canonicalization $c"
		maildir_clear
		printf 'From: a@example.org\nTo: b@example.org\nSubject:  spaced \t out\n\n  indented\tbody \t\n' >"$MSG"
		run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
		assert_success
		verified
		run grep -c "c=$c;" "$(maildir_last_file)"
		assert_output 2
	done
}

@test "an 8-bit body, trailing blank lines, and a CR-LF mix" {
	conf
	printf 'From: a@example.org\nTo: b@example.org\nSubject: caf\xc3\xa9\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\nJos\xc3\xa9 M\xc3\xbcller\r\n\xe2\x82\xac 10\n\n\n\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -B8BITMIME rcpt@example.org <"$MSG"
	assert_success
	verified
}

@test "a message without a body, and one with an empty body" {
	conf
	printf 'From: a@example.org\nTo: b@example.org\nSubject: none\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	verified
	for c in simple/simple relaxed/relaxed; do
		conf "dkim_canonicalization $c"
		maildir_clear
		printf 'From: a@example.org\nTo: b@example.org\nSubject: empty\n\n' >"$MSG"
		run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
		assert_success
		verified
	done
}

@test "long folded fields and a line bote breaks at 998 octets" {
	conf "dkim_canonicalization simple/simple"
	{
		printf 'From: a@example.org\nTo: b@example.org,\n\tc@example.org,\n  d@example.org\n'
		printf 'Subject: %s\n' "$(printf 'word %.0s' {1..40})"
		printf 'X-Long: %s\n' "$(head -c 1200 /dev/zero | tr '\0' x)"
		printf 'Received: one\nReceived: two\n\nbody\n'
	} >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	verified
}

@test "a field that appears twice: both signed, bottom up (RFC 6376 5.4.2)" {
	# Comments may appear any number of times (RFC 5322 3.6); OpenDKIM
	# refuses a message with two To fields as malformed, rightly.
	conf "dkim_headers Subject:Comments:To"
	printf 'From: a@example.org\nComments: first\nTo: b@example.org\nComments: second\nSubject: twice\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	verified
	run grep -c 'h=From:From:Subject:Comments:Comments:To;' "$(maildir_last_file)"
	assert_output 2
	# Swapping the two changes what was signed: both verifiers fail.
	sed 's/^Comments: first$/Comments: XX/; s/^Comments: second$/Comments: first/; s/^Comments: XX$/Comments: second/' \
	    "$(maildir_last_file)" >"$BATS_TEST_TMPDIR/swapped"
	run "$DKIMCHECK" "$KEYS/zone" "$BATS_TEST_TMPDIR/swapped"
	printf '# swapped: %s\n' "${lines[@]}" >&3
	assert_failure
	assert_equal "$(grep -c 'FAIL' <<<"$output")" 3
}

@test "-t: the Bcc field removed before signing; the signature still verifies" {
	conf
	printf 'From: a@example.org\nTo: rcpt@example.org\nBcc: hidden@example.org\nSubject: bcc\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -t <"$MSG"
	assert_success
	maildir_wait 2
	for f in "$TESTBED_MAILDIR"/new/*; do
		run grep -ci '^bcc:' "$f"
		assert_output 0
		run "$DKIMCHECK" "$KEYS/zone" "$f"
		printf '# %s\n' "${lines[@]}" >&3
		assert_success
	done
}

@test "a queued message is signed when it is delivered (bote -q), with that moment's time" {
	conf "queue on" "queue_dir $QDIR"
	down
	printf 'From: a@example.org\nTo: b@example.org\nSubject: queued\n\nlater\n' >"$MSG"
	BOTE_TEST_TIME=1795362138 run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	assert_output --partial "queued as"
	up
	BOTE_TEST_TIME=1795362500 run "$BOTE" -C "$CONF" -q
	assert_success
	verified
	run grep -c 't=1795362500;' "$(maildir_last_file)"
	assert_output 2
}

@test "three queued messages delivered in one session: each signed for itself" {
	local i f
	conf "queue on" "queue_dir $QDIR"
	down
	for i in 1 2 3; do
		printf 'From: a@example.org\nTo: b@example.org\nSubject: queued %s\n\nbody %s\n' "$i" "$i" >"$MSG"
		run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
		assert_success
	done
	up
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_equal "$(grep -c 'signed with DKIM for example.org (two signatures)' <<<"$output")" 3
	maildir_wait 3
	for f in "$TESTBED_MAILDIR"/new/*; do
		run "$DKIMCHECK" "$KEYS/zone" "$f"
		printf '# %s\n' "${lines[@]}" >&3
		assert_success
	done
	# Three bodies, three body hashes.
	assert_equal "$(grep -h -o 'bh=[^;]*' "$TESTBED_MAILDIR"/new/* | sort -u | wc -l)" 3
}

@test "-bs: two messages of one dialogue, each signed, dot-stuffed lines included" {
	local f
	conf
	{
		printf 'EHLO client\r\n'
		for i in 1 2; do
			printf 'MAIL FROM:<a@example.org>\r\nRCPT TO:<rcpt@example.org>\r\nDATA\r\n'
			printf 'From: a@example.org\r\nSubject: bs %s\r\n\r\n..leading dot\r\nbody %s\r\n.\r\n' "$i" "$i"
		done
		printf 'QUIT\r\n'
	} >"$MSG"
	run "$BOTE" -C "$CONF" -bs -oem <"$MSG"
	assert_success
	maildir_wait 2
	for f in "$TESTBED_MAILDIR"/new/*; do
		run grep -c '^\.leading dot$' "$f"
		assert_output 1
		run "$DKIMCHECK" "$KEYS/zone" "$f"
		printf '# %s\n' "${lines[@]}" >&3
		assert_success
	done
}

@test "dkim_headers chooses the fields; one key alone gives one signature" {
	bote_conf "$CONF" "dkim_domain example.org" "dkim_selector ed1" \
	    "dkim_key $KEYS/ed.pem" "dkim_headers To:Subject:X-Mine"
	printf 'From: a@example.org\nTo: b@example.org\nSubject: mine\nX-Mine: yes\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	verified 1
	run grep -c 'h=From:From:To:Subject:X-Mine;' "$(maildir_last_file)"
	assert_output 1
}

@test "a key others may read: exit 78 with file:line, nothing sent" {
	cp "$KEYS/ed.pem" "$BATS_TEST_TMPDIR/open.pem"
	chmod 644 "$BATS_TEST_TMPDIR/open.pem"
	bote_conf "$CONF" "dkim_domain example.org" "dkim_selector ed1" \
	    "dkim_key $BATS_TEST_TMPDIR/open.pem"
	printf 'Subject: x\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --regexp "^bote: $CONF:6: dkim_key: others may read or change .*open\.pem \(mode 644\): run chmod 600"
	sleep 0.3
	assert_equal "$(maildir_count)" 0
}

@test "a missing, malformed or too small key: exit 78 before connecting" {
	printf 'Subject: x\n\nbody\n' >"$MSG"
	bote_conf "$CONF" "dkim_domain example.org" "dkim_selector s" \
	    "dkim_key $BATS_TEST_TMPDIR/none.pem"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --partial "$CONF:6: dkim_key: cannot open"

	(umask 077; echo "not a key" >"$BATS_TEST_TMPDIR/bad.pem")
	bote_conf "$CONF" "dkim_domain example.org" "dkim_selector s" \
	    "dkim_key $BATS_TEST_TMPDIR/bad.pem"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --partial "$CONF:6: dkim_key: $BATS_TEST_TMPDIR/bad.pem: not an unencrypted PEM private key"

	(umask 077; certtool --generate-privkey --key-type=rsa --bits=768 \
	    --outfile "$BATS_TEST_TMPDIR/small.pem" >/dev/null 2>&1)
	bote_conf "$CONF" "dkim_domain example.org" "dkim_selector s" \
	    "dkim_key $BATS_TEST_TMPDIR/small.pem"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --partial "an RSA key of 768 bits"

	bote_conf "$CONF" "dkim_domain example.org" "dkim_selector s" \
	    "dkim_key /dev/zero"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --partial "$CONF:6: dkim_key: /dev/zero is not a regular file"
	sleep 0.3
	assert_equal "$(maildir_count)" 0
}

@test "half a DKIM setup is refused, not silently unsigned" {
	printf 'Subject: x\n\nbody\n' >"$MSG"
	bote_conf "$CONF" "dkim_domain example.org" "dkim_key $KEYS/ed.pem"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --partial "signs with DKIM only with dkim_domain, dkim_selector and dkim_key all set"
	conf "dkim_headers From:DKIM-Signature"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --partial "dkim_headers must be"
	bote_conf "$CONF" "dkim_domain exa;mple.org" "dkim_selector ed1" \
	    "dkim_key $KEYS/ed.pem"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_failure 78
	assert_output --partial "dkim_domain must be a domain name"
}

@test "a key broken after queueing: the queue run keeps the message and says why" {
	cp "$KEYS/ed.pem" "$BATS_TEST_TMPDIR/k.pem"
	bote_conf "$CONF" "dkim_domain example.org" "dkim_selector ed1" \
	    "dkim_key $BATS_TEST_TMPDIR/k.pem" "queue on" "queue_dir $QDIR"
	down
	printf 'Subject: x\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	assert_output --partial "queued as"
	chmod 640 "$BATS_TEST_TMPDIR/k.pem"
	up
	run "$BOTE" -C "$CONF" -q
	assert_output --partial "dkim_key: others may read or change"
	sleep 0.3
	assert_equal "$(maildir_count)" 0
	chmod 600 "$BATS_TEST_TMPDIR/k.pem"
	run "$BOTE" -C "$CONF" -q
	assert_success
	verified 1
}

@test "--dkim-keygen: a key of mode 600 and the record to publish, which the verifiers accept" {
	local t sel rec
	cd "$BATS_TEST_TMPDIR"
	for t in ed25519 rsa; do
		sel=gen-$t
		run "$BOTE" --dkim-keygen --domain example.org --selector "$sel" --type "$t"
		assert_success
		assert_line "; Publish this record, then add to the account in bote.conf:"
		assert_line ";   dkim_key $BATS_TEST_TMPDIR/$sel.example.org.pem"
		run stat -c %a "$sel.example.org.pem"
		assert_output 600
		run "$BOTE" --dkim-keygen --domain example.org --selector "$sel" --type "$t"
		assert_failure 73
		assert_output --partial "bote never replaces a key"
		# The zone line's strings, joined, are the record.
		rec=$("$BOTE" --dkim-keygen --domain example.org --selector "$sel-2" --type "$t" |
		    sed -n 's/^[^;].* IN TXT ( \(.*\) )$/\1/p' | sed 's/" "//g; s/^"//; s/"$//')
		echo "$sel-2._domainkey.example.org $rec" >>zone
		bote_conf "$CONF" "dkim_domain example.org" "dkim_selector $sel-2" \
		    "dkim_key $BATS_TEST_TMPDIR/$sel-2.example.org.pem"
		maildir_clear
		printf 'From: a@example.org\nSubject: generated\n\nbody\n' >"$MSG"
		run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
		assert_success
		maildir_wait 1
		run "$DKIMCHECK" zone "$(maildir_last_file)"
		printf '# %s\n' "${lines[@]}" >&3
		assert_success
	done
	run "$BOTE" --dkim-keygen --domain example.org
	assert_failure 64
	run "$BOTE" --dkim-keygen --domain example.org --selector s --type ed25519 --bits 2048
	assert_failure 64
}

# big MB: a message of MB * 10^6 octets of 100-octet lines.
big() {
	{
		printf 'From: a@example.org\nTo: b@example.org\nSubject: big\n\n'
		yes "$(printf '%099d' 0)" | head -c $(($1 * 1000000))
	} >"$BATS_TEST_TMPDIR/big"
}

@test "a 100 MB message: signed, verified by both, peak memory as for 1 MB" {
	local a b
	conf
	big 1
	# The plain account: under AddressSanitizer, TLS records freed go to
	# its quarantine (up to 256 MB) and would be counted as growth.
	run /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss1" \
	    "$BOTE" -C "$CONF" -a plain -i rcpt@example.org <"$BATS_TEST_TMPDIR/big"
	assert_success
	maildir_wait 1
	maildir_clear
	big 100
	run /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss100" \
	    "$BOTE" -C "$CONF" -a plain -i rcpt@example.org <"$BATS_TEST_TMPDIR/big"
	assert_success
	rm -f "$BATS_TEST_TMPDIR/big"
	maildir_wait 1 60
	verified
	a=$(tail -n 1 "$BATS_TEST_TMPDIR/rss1")
	b=$(tail -n 1 "$BATS_TEST_TMPDIR/rss100")
	printf '# max RSS signing both: %s KiB at 1 MB, %s KiB at 100 MB\n' \
	    "$a" "$b" >&3
	# Kilobytes; 99 MB more of message must not add even 2 MiB.
	[ $((b - a)) -lt 2048 ] || fail "max RSS $a KiB at 1 MB, $b KiB at 100 MB"
}
