# Bats helper: one msmtprc run through msmtp --pretend and bote --pretend,
# the effective settings compared value by value (tests/msmtprc.bats).
#
#   msmtpcmp_setup DIR
#       Make DIR a home for both programs: stand-ins for the password
#       commands the corpus names (gpg, pass, secret-tool, ...: msmtp -P
#       runs passwordeval, bote -P never does) and the files "cat" reads.
#   msmtpcmp_accounts FILE
#       Print the account names FILE defines, in order, once each.
#   msmtpcmp_values PROG FILE [ACCOUNT]
#       With FILE as DIR/.msmtprc (no -C: bote reads it because no bote
#       file exists), run PROG (msmtp or bote) with -P [-a ACCOUNT] and
#       print "field value" lines for host, port, tls (off, starttls or
#       implicit), auth (off, on or the method), user, from and logfile;
#       a run that fails prints "error" and the first line it said.
#
# Uses BOTE and MSMTPCMP_HOME (set by msmtpcmp_setup).

msmtpcmp_setup() {
	MSMTPCMP_HOME=$1
	local bin=$1/bin c
	mkdir -p "$bin" "$1/.config/msmtp" "$1/.config/neomutt"
	for c in gpg gpg2 pass secret-tool mutt_oauth2.py oauth2token; do
		printf '#!/bin/sh\necho fake-secret-from-%s\n' "$c" >"$bin/$c"
		chmod 755 "$bin/$c"
	done
	echo fake-o365 >"$1/.config/msmtp/o365-pass"
	echo fake-gmail >"$1/.gmailpass"
}

msmtpcmp_accounts() {
	awk '$1 == "account" && NF >= 2 { n = $2; sub(/:.*/, "", n)
		if (n != "" && !(n in seen)) { seen[n] = 1; print n } }' "$1"
}

# The environment both programs run in: no system file of bote's, msmtp's
# own system file for both (msmtp cannot be told another).
_msmtpcmp_env() {
	env -i PATH="$MSMTPCMP_HOME/bin:/usr/bin:/bin" HOME="$MSMTPCMP_HOME" \
	    USER=joe LOGNAME=joe BOTE_TEST_SYSCONF=/nonexistent/bote.conf \
	    BOTE_TEST_MSMTP_SYSCONF=/etc/msmtprc "$@"
}

# The fields compared, from v[]: the TLS mode is off, starttls or implicit.
_msmtpcmp_print='
	if (v["tls"] == "off") tls = "off"
	else if (v["tls_starttls"] == "on") tls = "starttls"
	else tls = "implicit"
	print "host " v["host"]; print "port " v["port"]; print "tls " tls
	print "auth " v["auth"]; print "user " v["user"]
	print "from " v["from"]; print "logfile " v["logfile"]'

msmtpcmp_values() {
	local prog=$1 file=$2 out err st
	local -a args=(-P)
	[ $# -lt 3 ] || args+=(-a "$3")
	install -m 600 "$file" "$MSMTPCMP_HOME/.msmtprc"
	if [ "$prog" = msmtp ]; then
		out=$(_msmtpcmp_env msmtp "${args[@]}" 2>"$MSMTPCMP_HOME/err")
	else
		out=$(_msmtpcmp_env "$BOTE" "${args[@]}" 2>"$MSMTPCMP_HOME/err")
	fi
	st=$?
	if [ $st -ne 0 ]; then
		printf 'error %s\n' "$(grep -v '^ignoring system' \
		    "$MSMTPCMP_HOME/err" | head -n 1)"
		return 0
	fi
	if [ "$prog" = msmtp ]; then
		# msmtp: "name = value"; auth none and choose are off and on.
		awk -F ' = ' '{ v[$1] = $2 }
		END {
			if (v["auth"] == "none") v["auth"] = "off"
			else if (v["auth"] == "choose") v["auth"] = "on"
			else v["auth"] = tolower(v["auth"])
			'"$_msmtpcmp_print"'
		}' <<<"$out"
	else
		# bote: "  name  value  # origin"; port "25 (from tls ...)".
		awk '/^  [a-z_]+ / { k = $1; sub(/^ +[^ ]+ +/, "")
			sub(/ +#.*/, ""); v[k] = $0 }
		END {
			sub(/ .*/, "", v["port"])
			'"$_msmtpcmp_print"'
		}' <<<"$out"
	fi
}
