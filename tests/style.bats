#!/usr/bin/env bats
# House rules a machine can check (DESIGN.md, House style).

bats_load_library bats-support
bats_load_library bats-assert

setup() {
	cd "$TOP_SRCDIR"
}

@test "no banned string or number functions in cli/ and src/" {
	run grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)[[:space:]]*\(' \
	    cli/*.[ch] src/*/*.[ch]
	assert_failure 1
}

@test "the engine never prints to the user and never exits" {
	run grep -nE '\b(printf|fprintf|puts|fputs|perror|exit|err|errx|warn|warnx)[[:space:]]*\(' \
	    src/*/*.c
	assert_failure 1
}

@test "GnuTLS is used in src/net/tls.c and src/base/crypto.c only, libidn2 in src/base/idn.c only" {
	run grep -lE '#include <gnutls/' cli/*.[ch] src/*/*.[ch]
	assert_output "src/base/crypto.c
src/net/tls.c"
	run grep -lE '#include <idn2\.h>' cli/*.[ch] src/*/*.[ch]
	assert_output "src/base/idn.c"
}

@test "no engine source file is over 1000 lines" {
	run awk 'FNR == 1000 { print FILENAME }' src/*/*.c cli/*.c
	assert_output ""
}

# The layers of the engine, lowest first (Makefile.am): a folder includes
# only from itself and the folders before it, so no two folders import
# each other in a circle.
LAYERS="base net conf msg smtp queue submit"

@test "every engine file is in one of the layer folders" {
	run bash -c 'ls src/*.[ch] 2>/dev/null; for d in src/*/; do
		d=${d%/}; case " '"$LAYERS"' " in *" ${d#src/} "*) ;; *) echo "$d";; esac
	done'
	assert_output ""
}

@test "a folder of src/ includes only from the folders below it, never from cli/" {
	local rank=0 d
	declare -A r
	for d in $LAYERS; do r[$d]=$rank; rank=$((rank + 1)); done
	run bash -c '
		for f in src/*/*.[ch]; do
			grep -Ho "^#include \"[^\"]*\"" "$f"
		done'
	local bad="" line f inc from to
	while IFS= read -r line; do
		f=${line%%:*}
		inc=${line#*\"}
		inc=${inc%\"}
		[ "$inc" = config.h ] && continue
		from=${f#src/}
		from=${from%%/*}
		case $inc in
		*/*)	to=${inc%%/*} ;;
		*)	bad+="$f: $inc (name the folder)"$'\n'; continue ;;
		esac
		if [ -z "${r[$to]+x}" ]; then
			bad+="$f: $inc (not an engine folder)"$'\n'
		elif [ "${r[$to]}" -gt "${r[$from]}" ]; then
			bad+="$f: $inc ($from may not include $to)"$'\n'
		fi
	done <<<"$output"
	[ -n "$output" ]
	assert_equal "$bad" ""
}
