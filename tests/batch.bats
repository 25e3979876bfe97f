#!/usr/bin/env bats
# bote --batch (bote.1): many messages in one process, each with its
# recipients from its own header (as -t), queued and then delivered in
# one queue run. Against the test Postfix, deliveries read back from
# the Maildir (one file per recipient, X-Original-To naming it).

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	CONF=$BATS_TEST_TMPDIR/conf
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	maildir_clear
}

# message I [EXTRA-HEADER...]: message I with To, Cc and Bcc of its own
# and a marker; an mbox body line "From ..." quoted as mboxrd quotes it.
message() {
	local i=$1 h
	shift
	printf 'From: %s\n' "$TESTBED_USER"
	printf 'To: to%s@example.org\nCc: cc%s@example.org\n' "$i" "$i"
	printf 'Bcc: bcc%s@example.org\n' "$i"
	printf 'Subject: batch message %s\nX-Batch-Test: m%s\n' "$i" "$i"
	for h in "$@"; do
		printf '%s\n' "$h"
	done
	printf '\nbody of message %s\n' "$i"
}

# mbox N FILE: N messages in mboxrd form.
mbox() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf 'From sender@example.org Mon Dec  7 00:00:00 2026\n'
		message "$i"
		printf '>From the body of %s\n\n' "$i"
	done >"$2"
}

# The delivered files of message I.
files_of() {
	grep -l -x "X-Batch-Test: m$1" "$TESTBED_MAILDIR"/new/* 2>/dev/null
}

# Message I arrived once for each of its three recipients, Bcc removed.
delivered_once() {
	local i=$1 f got
	got=$(files_of "$i" | xargs -r grep -h '^X-Original-To:' | sort |
	    tr '\n' ' ')
	[ "$got" = "X-Original-To: bcc$i@example.org X-Original-To: cc$i@example.org X-Original-To: to$i@example.org " ] || {
		echo "message $i went to: $got" >&2
		return 1
	}
	for f in $(files_of "$i"); do
		if grep -q -i '^Bcc:' "$f"; then
			echo "message $i kept its Bcc field: $f" >&2
			return 1
		fi
	done
}

batch() {
	run timeout 60 "$BOTE" -C "$CONF" --batch "$@"
}

@test "--batch: an mbox of 50 on standard input, each to its own recipients, Bcc removed" {
	mbox 50 "$BATS_TEST_TMPDIR/mbox"
	batch <"$BATS_TEST_TMPDIR/mbox"
	assert_success
	assert_output "bote: 50 messages: 50 sent, 0 queued, 0 refused, 0 skipped"
	maildir_wait 150
	for ((i = 1; i <= 50; i++)); do
		delivered_once "$i"
	done
	[ "$(maildir_count)" -eq 150 ]
	# Nothing left in the queue.
	run find "$QDIR/q" -type f
	assert_output ""
}

@test "--batch: 130 messages over three sessions at once (max_sessions), each counted and delivered once, one refused" {
	mbox 130 "$BATS_TEST_TMPDIR/mbox"
	sed -i 's/^Cc: cc77@example.org$/Cc: cc77@example.org, bad@nodot/' \
	    "$BATS_TEST_TMPDIR/mbox"
	mark=$(( $(wc -l <"$TESTBED_DIR/log/postfix.log") + 1 ))
	run timeout 120 "$BOTE" -C "$CONF" --batch --json \
	    "$BATS_TEST_TMPDIR/mbox"
	assert_failure 76
	assert_line "bote: 130 messages: 129 sent, 0 queued, 1 refused, 0 skipped"
	# The JSON document (stdout) names each message's own outcome,
	# whichever session sent it.
	json=$(printf '%s\n' "${lines[@]}" | grep -v '^bote: ')
	run python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
out = {m["index"]: m["outcome"] for m in d["messages"]}
assert len(out) == 130, len(out)
assert out[77] == "refused", out[77]
assert all(v == "sent" for k, v in out.items() if k != 77)
print(d["sent"], d["refused"])' <<<"$json"
	assert_success
	assert_output "129 1"
	maildir_wait 387
	for ((i = 1; i <= 130; i++)); do
		[ "$i" -eq 77 ] || delivered_once "$i"
	done
	# Three sessions carried them (no bounce for 77: the caller is told).
	run bash -c "tail -n +$mark '$TESTBED_DIR/log/postfix.log' |
	    grep -c 'disconnect from .* mail=[1-9][0-9]'"
	assert_output 3
}

@test "--batch FILE: mboxrd's >From lines lose one >, the mbox's From lines and blank lines go" {
	{
		printf 'From a@example.org Mon Dec  7 00:00:00 2026\n'
		message 1
		printf '>From quoted\n>>From twice\n>Fromage\n\n'
		printf 'From b@example.org Mon Dec  7 00:00:00 2026\n'
		message 2
	} >"$BATS_TEST_TMPDIR/mbox"
	batch "$BATS_TEST_TMPDIR/mbox"
	assert_success
	maildir_wait 6
	f=$(files_of 1 | head -n 1)
	run sed -n '/^$/,$p' "$f"
	assert_output "
body of message 1
From quoted
>From twice
>Fromage"
	f=$(files_of 2 | head -n 1)
	run sed -n '/^$/,$p' "$f"
	assert_output "
body of message 2"
}

@test "--batch FILE: input without a From line is one message, as it stands" {
	message 7 >"$BATS_TEST_TMPDIR/one"
	printf '\nFrom here on, a body line\n' >>"$BATS_TEST_TMPDIR/one"
	batch "$BATS_TEST_TMPDIR/one"
	assert_success
	assert_output --partial "1 message: 1 sent"
	maildir_wait 3
	delivered_once 7
	grep -q -x 'From here on, a body line' "$(files_of 7 | head -n 1)"
}

@test "--batch DIR: one message per file, in the order of the names" {
	mkdir "$BATS_TEST_TMPDIR/d"
	for i in 3 1 2; do
		message "$i" >"$BATS_TEST_TMPDIR/d/msg$i"
	done
	# Not a message: a dot file and a directory.
	echo junk >"$BATS_TEST_TMPDIR/d/.hidden"
	mkdir "$BATS_TEST_TMPDIR/d/sub"
	run timeout 60 "$BOTE" -C "$CONF" --batch --json "$BATS_TEST_TMPDIR/d"
	assert_success
	maildir_wait 9
	for i in 1 2 3; do
		delivered_once "$i"
	done
	printf '%s\n' "$output" | grep -v '^bote: ' >"$BATS_TEST_TMPDIR/json"
	run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["total"], d["sent"], d["exit"])
for m in d["messages"]:
    print(m["index"], m["file"].rsplit("/", 1)[1], m["outcome"],
        " ".join(sorted(m["recipients"])), len(m["queue_id"]),
        m["message_id"].startswith("<"))' "$BATS_TEST_TMPDIR/json"
	assert_success
	assert_output "3 3 0
1 msg1 sent bcc1@example.org cc1@example.org to1@example.org 16 True
2 msg2 sent bcc2@example.org cc2@example.org to2@example.org 16 True
3 msg3 sent bcc3@example.org cc3@example.org to3@example.org 16 True"
}

@test "--batch MAILDIR: the messages of new/ and cur/" {
	md=$BATS_TEST_TMPDIR/md
	mkdir -p "$md/new" "$md/cur" "$md/tmp"
	message 1 >"$md/cur/1000.1.host:2,S"
	message 2 >"$md/new/1001.1.host"
	message 3 >"$md/tmp/1002.1.host"
	batch "$md"
	assert_success
	assert_output "bote: 2 messages: 2 sent, 0 queued, 0 refused, 0 skipped"
	maildir_wait 6
	delivered_once 1
	delivered_once 2
	[ -z "$(files_of 3)" ]
}

@test "--batch: a malformed message is said with its place and skipped; the others go" {
	{
		printf 'From a Mon Dec  7 00:00:00 2026\n'
		message 1
		printf '\nFrom b Mon Dec  7 00:00:00 2026\n'
		printf 'Subject: no recipients\n\nnobody\n'
		printf '\nFrom c Mon Dec  7 00:00:00 2026\n'
		message 3
		printf 'a NUL \0 byte\n'
		printf '\nFrom d Mon Dec  7 00:00:00 2026\n'
		message 4
	} >"$BATS_TEST_TMPDIR/mbox"
	batch "$BATS_TEST_TMPDIR/mbox"
	# The first skipped message's status: no recipients is a usage error.
	assert_failure 64
	assert_line --regexp '^bote: message 2 \(line 11\): skipped: no recipients: its header has no To, Cc or Bcc address'
	assert_line --regexp '^bote: message 3 \(line 16\): skipped: .*NUL'
	assert_line "bote: 4 messages: 2 sent, 0 queued, 0 refused, 2 skipped"
	maildir_wait 6
	delivered_once 1
	delivered_once 4
	[ -z "$(files_of 3)" ]
}

@test "--batch: a recipient the server refuses: that message is refused, the others delivered once" {
	mbox 5 "$BATS_TEST_TMPDIR/mbox"
	# Postfix refuses a domain without a dot (504 5.5.2).
	sed -i 's/^Cc: cc3@example.org$/Cc: cc3@example.org, bad@nodot/' \
	    "$BATS_TEST_TMPDIR/mbox"
	run timeout 60 "$BOTE" -C "$CONF" --batch --json \
	    "$BATS_TEST_TMPDIR/mbox"
	# 5.5.x: 76 (bote.1, EXIT STATUS).
	assert_failure 76
	assert_line --regexp '^bote: message 3 \(line [0-9]+\): refused, queue id [0-9A-F]{16}: .*504 5\.5\.2'
	assert_line "bote: 5 messages: 4 sent, 0 queued, 1 refused, 0 skipped"
	maildir_wait 12
	for i in 1 2 4 5; do
		delivered_once "$i"
	done
	# Message 3 reached nobody (all or nothing), and its sender got no
	# bounce: the caller was told; the message is kept in failed/.
	sleep 1
	[ -z "$(files_of 3)" ]
	[ "$(maildir_count)" -eq 12 ]
	run grep -l '^X-Batch-Test: m3.$' "$QDIR"/failed/*
	assert_success
}

@test "--batch: the server down: all queued, 75, and bote -q delivers them once" {
	mbox 4 "$BATS_TEST_TMPDIR/mbox"
	cp -p "$CONF" "$CONF.up"
	sed -i 's/^port .*/port 1/' "$CONF"
	run timeout 60 "$BOTE" -C "$CONF" --batch --json \
	    "$BATS_TEST_TMPDIR/mbox"
	assert_failure 75
	assert_line "bote: 4 messages: 0 sent, 4 queued, 0 refused, 0 skipped"
	assert_line --regexp '^bote: message 1 \(line 1\): queued as [0-9A-F]{16}: '
	assert_line --regexp '^bote: message 3 \(line 23\): queued as [0-9A-F]{16}: '
	# The fourth for the same reason is only counted.
	refute_line --regexp '^bote: message 4 '
	assert_line "bote: ... and 1 more queued for the same reason (bote -bp lists them)"
	printf '%s\n' "$output" | grep -v '^bote: ' >"$BATS_TEST_TMPDIR/json"
	run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["queued"], d["exit"], sorted(set(m["outcome"] for m in d["messages"])))' \
	    "$BATS_TEST_TMPDIR/json"
	assert_output "4 75 ['queued']"
	[ "$(find "$QDIR/q" -name '*.ctl' | wc -l)" -eq 4 ]
	cat "$CONF.up" >"$CONF"
	run timeout 60 "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 12
	for i in 1 2 3 4; do
		delivered_once "$i"
	done
	[ "$(find "$QDIR/q" -name '*.ctl' | wc -l)" -eq 0 ]
}

@test "--batch -odq: queued only, 0; bote -q sends them" {
	mbox 3 "$BATS_TEST_TMPDIR/mbox"
	batch -odq "$BATS_TEST_TMPDIR/mbox"
	assert_success
	assert_output "bote: 3 messages: 0 sent, 3 queued, 0 refused, 0 skipped"
	[ "$(maildir_count)" -eq 0 ]
	run timeout 60 "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 9
	for i in 1 2 3; do
		delivered_once "$i"
	done
}

@test "--batch: input errors are one line; queue off and operands are refused" {
	batch "$BATS_TEST_TMPDIR/missing"
	assert_failure 66
	assert_output --regexp "^bote: --batch: cannot open .*/missing: No such file or directory$"
	bote_conf "$CONF" "queue off"
	mbox 1 "$BATS_TEST_TMPDIR/mbox"
	batch "$BATS_TEST_TMPDIR/mbox"
	assert_failure 78
	assert_output --partial "account default does not queue"
	[ "${#lines[@]}" -eq 1 ]
	run "$BOTE" -C "$CONF" --batch a b
	assert_failure 64
	assert_output --partial "--batch takes one mbox file or directory"
	run "$BOTE" -C "$CONF" --batch --no-queue "$BATS_TEST_TMPDIR/mbox"
	assert_failure 64
}

@test "--batch: -f sets every message's envelope sender" {
	mbox 2 "$BATS_TEST_TMPDIR/mbox"
	batch -f "batch-sender@example.org" "$BATS_TEST_TMPDIR/mbox"
	assert_success
	maildir_wait 6
	run bash -c "grep -h '^Return-Path:' $TESTBED_MAILDIR/new/* | sort -u"
	assert_output "Return-Path: <batch-sender@example.org>"
}

@test "--batch on a terminal: a progress line counts the messages, then is wiped" {
	command -v script >/dev/null || skip "script (util-linux) is missing"
	local out=$BATS_TEST_TMPDIR/tty
	mbox 2 "$BATS_TEST_TMPDIR/a"
	mbox 3 "$BATS_TEST_TMPDIR/b"
	sed -i 's/X-Batch-Test: m/X-Batch-Test: n/' "$BATS_TEST_TMPDIR/b"
	# The input pauses longer than the line's delay (about a second)
	# between two messages, so the line is drawn however fast the rest.
	run timeout 60 script -qec "{ cat '$BATS_TEST_TMPDIR/a'; sleep 1.5; \
	    cat '$BATS_TEST_TMPDIR/b'; } | '$BOTE' -C '$CONF' --batch; \
	    echo \"exit \$?\"" /dev/null </dev/null
	printf '%s' "$output" >"$out"
	assert_output --partial "exit 0"
	grep -a -q -E $'\rbote: --batch: [0-9]+ messages read, [0-9]+ queued' \
	    "$out" || { cat -A "$out"; fail "no progress line"; }
	grep -a -q -E $'\r +\rbote: 5 messages: 5 sent' "$out" ||
	    { cat -A "$out"; fail "the line was not wiped"; }
}

@test "--batch: the queue is synced once for the batch, not once per message" {
	command -v strace >/dev/null || skip "strace is missing"
	local st=$BATS_TEST_TMPDIR/strace
	mbox 20 "$BATS_TEST_TMPDIR/mbox"
	run traced strace -f -o "$st" -e trace=fsync,fdatasync,syncfs \
	    "$BOTE" -C "$CONF" --batch -odq "$BATS_TEST_TMPDIR/mbox"
	assert_success
	assert_output "bote: 20 messages: 0 sent, 20 queued, 0 refused, 0 skipped"
	# Durable before bote said so: one syncfs after the last was added.
	[ "$(grep -c 'syncfs(' "$st")" -eq 1 ]
	# A single send fsyncs its message, its control file and q/ (3 each).
	[ "$(grep -c 'fsync(' "$st")" -lt 20 ] || { cat "$st"; false; }
	[ "$(find "$QDIR/q" -name '*.ctl' | wc -l)" -eq 20 ]
}
