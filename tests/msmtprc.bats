#!/usr/bin/env bats
# The migration corpus (issue 14, point 8): real-world msmtprc files,
# retyped with example host names (tests/fixtures/msmtprc, each naming the
# kind of source it stands for), each read by msmtp --pretend and by
# bote --pretend as ~/.msmtprc, without -C (no bote file exists), account
# by account. The effective host, port, TLS mode, auth method, user, from
# and log file must be the same, or the difference must be one of the
# deliberate ones below, which bote.conf(5) (msmtp directives) lists.
# Nothing connects: both programs only print their settings.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library msmtpcmp.bash

CORPUS=$TOP_SRCDIR/tests/fixtures/msmtprc

# The deliberate differences, as FILE:ACCOUNT:FIELD (ACCOUNT "-": no -a;
# FIELD "*": bote refuses the account). Each must still occur: a fixed
# difference comes off this list.
declare -gA DELIBERATE=(
	# TLS is on by default (msmtp's default is off).
	[21-forgot-tls:-:tls]=tls-default
	[21-forgot-tls:default:tls]=tls-default
	[24-cron-starttls-tls-missing:-:tls]=tls-default
	[24-cron-starttls-tls-missing:default:tls]=tls-default
	# ... so tls_starttls off alone is implicit TLS, on port 465.
	[24-cron-starttls-tls-missing:-:port]=tls-default
	[24-cron-starttls-tls-missing:default:port]=tls-default
	# No password in clear without auth_cleartext on.
	[16-isp-cleartext-auth:-:*]=auth-cleartext
	[16-isp-cleartext-auth:default:*]=auth-cleartext
)

setup() {
	command -v msmtp >/dev/null ||
		skip "msmtp is not installed (tests/fixtures/install-deps)"
	msmtpcmp_setup "$BATS_TEST_TMPDIR/home"
}

# compare FILE ACCOUNT: the differences as "FILE:ACCOUNT:FIELD msmtp=...
# bote=..." lines; ACCOUNT "-" runs without -a.
compare() {
	local file=$1 acct=$2 name m b field mv bv
	local -a a=()
	name=$(basename "$file" .msmtprc)
	[ "$acct" = - ] || a=("$acct")
	m=$(msmtpcmp_values msmtp "$file" "${a[@]}")
	b=$(msmtpcmp_values bote "$file" "${a[@]}")
	if [ "${b%% *}" = error ] || [ "${m%% *}" = error ]; then
		[ "$m" = "$b" ] || printf '%s:%s:* msmtp=[%s] bote=[%s]\n' \
		    "$name" "$acct" "${m//$'\n'/; }" "${b//$'\n'/; }"
		return
	fi
	while read -r field mv; do
		bv=$(sed -n "s/^$field //p" <<<"$b")
		[ "$mv" = "$bv" ] || printf '%s:%s:%s msmtp=[%s] bote=[%s]\n' \
		    "$name" "$acct" "$field" "$mv" "$bv"
	done <<<"$m"
}

@test "the corpus: msmtp and bote agree on every account, but for the deliberate differences" {
	local f acct key diffs=() unexplained=() nfiles=0 naccts=0
	local -A seen=()
	for f in "$CORPUS"/*.msmtprc; do
		nfiles=$((nfiles + 1))
		grep -q '^# Source kind: ' "$f" ||
			fail "$(basename "$f") does not name its kind of source"
		for acct in - $(msmtpcmp_accounts "$f"); do
			naccts=$((naccts + 1))
			mapfile -t -O "${#diffs[@]}" diffs < <(compare "$f" "$acct")
		done
	done
	[ "$nfiles" -ge 20 ] || fail "only $nfiles files in the corpus"
	for key in "${diffs[@]}"; do
		key=${key%% *}
		if [ -n "${DELIBERATE[$key]:-}" ]; then
			seen[$key]=1
		else
			unexplained+=("$key")
		fi
	done
	for key in "${!DELIBERATE[@]}"; do
		[ -n "${seen[$key]:-}" ] ||
			unexplained+=("$key (listed as deliberate, but gone)")
	done
	echo "# $nfiles files, $naccts runs, 7 fields each: ${#diffs[@]}" \
	    "differences, all deliberate: ${!seen[*]}" >&3
	if [ ${#unexplained[@]} -gt 0 ]; then
		printf '%s\n' "${diffs[@]}"
		fail "not explained: ${unexplained[*]}"
	fi
}

@test "the deliberate differences say why: TLS on by default, no password in clear" {
	run msmtpcmp_values bote "$CORPUS/21-forgot-tls.msmtprc"
	assert_line "tls starttls"
	run msmtpcmp_values msmtp "$CORPUS/21-forgot-tls.msmtprc"
	assert_line "tls off"
	run msmtpcmp_values bote "$CORPUS/16-isp-cleartext-auth.msmtprc"
	assert_output "error bote: $MSMTPCMP_HOME/.msmtprc:3: account default sends the password in clear: turn tls on, or set auth_cleartext on"
}

@test "the corpus's obsolete names leave notes, and --pretend names the file it read" {
	install -m 600 "$CORPUS/20-msmtp14-obsolete.msmtprc" \
	    "$MSMTPCMP_HOME/.msmtprc"
	run env -i PATH=/usr/bin:/bin HOME="$MSMTPCMP_HOME" USER=joe \
	    BOTE_TEST_SYSCONF=/nonexistent/bote.conf \
	    BOTE_TEST_MSMTP_SYSCONF=/nonexistent/msmtprc "$BOTE" -P
	assert_success
	assert_line "configuration file read: $MSMTPCMP_HOME/.msmtprc"
	assert_line "bote: note: $MSMTPCMP_HOME/.msmtprc:7: tls_nostarttls is obsolete; write tls_starttls off instead"
	assert_line "bote: note: $MSMTPCMP_HOME/.msmtprc:10: keepbcc is obsolete; write remove_bcc_headers off instead"
}
