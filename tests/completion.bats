#!/usr/bin/env bats
# Shell completion (contrib/bote.bash-completion, contrib/_bote): the bash
# function is sourced and called as bash calls it (COMP_WORDS,
# COMP_CWORD, COMP_LINE, COMP_POINT), with and without bash-completion's
# own functions loaded, against this build's bote, a configuration of the
# test's and a queue with one message in it; every long option of
# cli/args.c is offered by both scripts.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash

BASH_COMP=$TOP_SRCDIR/contrib/bote.bash-completion
ZSH_COMP=$TOP_SRCDIR/contrib/_bote

setup() {
	fresh_queue
	CONF=$BATS_TEST_TMPDIR/conf
	QDIR=$BATS_TEST_TMPDIR/queue
	# Nothing listens on port 1: a send is queued.
	cat >"$CONF" <<-EOF
	defaults
	tls off
	queue on
	queue_dir $QDIR

	account alpha
	host 127.0.0.1
	port 1
	from alpha@example.org

	account beta : alpha

	account default : alpha
	EOF
	chmod 0600 "$CONF"
	# The system file, readable: its accounts are offered too.
	export BOTE_TEST_SYSCONF=$BATS_TEST_TMPDIR/system.conf
	printf 'account sysacct\nhost 127.0.0.1\n' >"$BOTE_TEST_SYSCONF"
	chmod 0644 "$BOTE_TEST_SYSCONF"
}

# comp WORD... : run the bash completion for the command line made of
# the words (the last is the one being completed; "=" is a word of its
# own, as COMP_WORDBREAKS splits it) in a fresh bash, and print COMPREPLY
# one a line. BASH_COMPLETION=1 loads bash-completion's functions first.
comp() {
	run bash -c '
		if [ -n "${BASH_COMPLETION:-}" ]; then
			. /usr/share/bash-completion/bash_completion || exit 9
		fi
		. "$1" || exit 9
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		l= p=
		for w in "$@"; do
			if [ -z "$l" ]; then l=$w
			elif [ "$w" = = ] || [ "$p" = = ]; then l+=$w
			else l+=" $w"
			fi
			p=$w
		done
		COMP_LINE=$l
		COMP_POINT=${#l}
		COMPREPLY=()
		_bote
		printf "%s\n" "${COMPREPLY[@]}"
	' - "$BASH_COMP" "$@"
}

# queue_one: one message in $QDIR; prints its id.
queue_one() {
	printf 'Subject: completion\n\nbody\n' |
	    "$BOTE" -C "$CONF" -i rcpt@example.net 2>/dev/null || return 1
	find "$QDIR/q" -name '*.ctl' -printf '%f\n' | sed 's/\.ctl$//'
}

both() {
	local mode
	for mode in "" 1; do
		[ -z "$mode" ] || [ -r /usr/share/bash-completion/bash_completion ] ||
		    skip "bash-completion is not installed"
		BASH_COMPLETION=$mode "$@"
	done
}

check_accounts() {
	comp "$BOTE" -C "$CONF" -a ""
	assert_success
	assert_output "$(printf '%s\n' alpha beta default sysacct)"
	comp "$BOTE" -C "$CONF" --account = b
	assert_success
	assert_output beta
	comp "$BOTE" --file = "$CONF" -a d
	assert_success
	assert_output default
	# Without -C: the system file only (the user file does not exist).
	XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/xdg comp "$BOTE" -a ""
	assert_success
	assert_output sysacct
}

@test "bash: -a and --account offer the accounts of the files bote reads" {
	both check_accounts
}

check_ids() {
	local id=$1
	comp "$BOTE" -C "$CONF" --delete ""
	assert_success
	assert_output "$(printf '%s\n' ALL "$id")"
	comp "$BOTE" -C "$CONF" --hold = "${id:0:3}"
	assert_success
	assert_output "$id"
	comp "$BOTE" -C "$CONF" --release ""
	assert_success
	assert_line "$id"
	comp "$BOTE" -C "$CONF" "-qI${id:0:2}"
	assert_success
	assert_output "-qI$id"
}

@test "bash: --delete, --hold, --release and -qI offer the queued ids" {
	local id
	id=$(queue_one)
	[ -n "$id" ] || fail "nothing was queued"
	both check_ids "$id"
}

check_options() {
	comp "$BOTE" --tls-s
	assert_success
	assert_output --tls-starttls
	comp "$BOTE" --acc
	assert_success
	assert_output --account=
	comp "$BOTE" --tls = o
	assert_success
	assert_output "$(printf '%s\n' on off)"
	# --tls alone is a setting: the next word is a recipient.
	comp "$BOTE" --tls ""
	assert_success
	assert_output ""
	comp "$BOTE" -b ""
	assert_success
	assert_output "$(printf '%s\n' m p i v s)"
	comp "$BOTE" -C "$BATS_TEST_TMPDIR/con"
	assert_success
	assert_output "$CONF"
}

@test "bash: options, their values and files" {
	both check_options
}

# The long options of cli/args.c: the msmtp table and those main's loop
# compares by hand.
long_options() {
	{
		sed -n 's/^\t{ "\([a-z0-9-]*\)", LA_.*/\1/p' \
		    "$TOP_SRCDIR/cli/args.c"
		grep -o 'strn*cmp(arg, "--[a-z-]*"' "$TOP_SRCDIR/cli/args.c" |
		    sed 's/.*"--\([a-z-]*\)"/\1/'
	} | grep . | sort -u
}

@test "every long option of cli/args.c is in both completion scripts" {
	local o missing=
	run long_options
	assert_success
	[ "${#lines[@]}" -gt 40 ] || fail "too few options found: ${#lines[@]}"
	for o in "${lines[@]}"; do
		grep -Eq -- "--$o([= \"]|\$)" "$BASH_COMP" ||
		    missing+=" bash:--$o"
		grep -Eq -- "--$o([=[}]|\$)" "$ZSH_COMP" ||
		    missing+=" zsh:--$o"
	done
	[ -z "$missing" ] || fail "not offered:$missing"
}

@test "zsh: the completion parses and compinit binds it to bote" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -n "$ZSH_COMP"
	assert_success
	mkdir "$BATS_TEST_TMPDIR/fpath"
	cp "$ZSH_COMP" "$BATS_TEST_TMPDIR/fpath/"
	run env HOME="$BATS_TEST_TMPDIR" zsh -fc '
		fpath=("$1" $fpath)
		autoload -U compinit && compinit -u -D
		print -r -- ${_comps[bote]}' - "$BATS_TEST_TMPDIR/fpath"
	assert_success
	assert_output _bote
}

@test "zsh: accounts and queue ids from the files and queue bote names" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	local id
	id=$(queue_one)
	[ -n "$id" ] || fail "nothing was queued"
	# The helpers as _arguments calls them, with compsys's _describe
	# replaced by a print of the candidates.
	run zsh -fc '
		source "$1" 2>/dev/null
		_describe() { print -rl -- "${(@P)4}" }
		words=("$2" -C "$3" -a "")
		CURRENT=4
		_bote_accounts
		print -- --
		_bote_ids ALL' - "$ZSH_COMP" "$BOTE" "$CONF"
	assert_success
	assert_output "$(printf '%s\n' sysacct alpha beta default -- "$id" ALL)"
}

@test "bash and zsh: with no bote file, the accounts of msmtp's files" {
	export HOME=$BATS_TEST_TMPDIR/home
	unset XDG_CONFIG_HOME
	mkdir -p "$HOME"
	export BOTE_TEST_SYSCONF=$BATS_TEST_TMPDIR/none.conf
	export BOTE_TEST_MSMTP_SYSCONF=$BATS_TEST_TMPDIR/msmtprc
	printf 'account msys\nhost 127.0.0.1\n' >"$BOTE_TEST_MSMTP_SYSCONF"
	printf 'account mine\nhost 127.0.0.1\naccount default : mine\n' \
	    >"$HOME/.msmtprc"
	comp "$BOTE" -a ""
	assert_success
	assert_output "$(printf '%s\n' default mine msys)"
	command -v zsh >/dev/null || return 0
	run zsh -fc '
		source "$1" 2>/dev/null
		_describe() { print -rl -- "${(@P)4}" }
		words=("$2" -a "")
		CURRENT=3
		_bote_accounts' - "$ZSH_COMP" "$BOTE"
	assert_success
	assert_output "$(printf '%s\n' msys mine default)"
}
