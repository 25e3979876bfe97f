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

@test "the engine (src/) includes nothing from cli/" {
	local bad="" f inc
	# Every quoted include, whatever its spelling: a path naming cli/,
	# one climbing out of its folder, or a bare name only cli/ has.
	while IFS= read -r line; do
		f=${line%%:*}
		inc=${line#*\"}
		inc=${inc%%\"*}
		case $inc in
		*cli/*|../*) bad+="$line"$'\n' ;;
		*/*) ;;
		*)	if [ -e "cli/$inc" ] &&
			    [ ! -e "$(dirname "$f")/$inc" ]; then
				bad+="$line"$'\n'
			fi ;;
		esac
	done < <(grep -HE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
	    src/*/*.[ch])
	assert_equal "$bad" ""
	# Nor does the engine's build look into cli/ for headers.
	run grep -nE '^(AM_CPPFLAGS|src_libbote_a_CPPFLAGS)[^#]*cli' Makefile.am
	assert_failure 1
}

# C functions over 100 lines (from the "{" line to the "}" line), as
# "file:function lines". In KNF a definition is a line starting with the
# function's name and "(" after its return type's line, and its body ends
# at the first line that starts with "}". A state or keyword table written
# as a function is exempt when the line before its return type is the
# comment "/* style: long table */". The last line is "#functions N".
long_functions() {
	awk '
	FNR == 1 { p1 = p2 = ""; pend = start = 0 }
	/^[a-z_][a-z_0-9]*\(/ && p1 ~ /^[a-z_][a-z_0-9 \t*]*$/ &&
	    $0 !~ /;[ \t]*$/ {
		name = $0
		sub(/\(.*/, "", name)
		table = p2 ~ /\/\* style: long table \*\//
		pend = 1
	}
	pend && /^\{/ { start = FNR; pend = 0 }
	start && /^\}/ {
		n++
		if (FNR - start + 1 > 100 && !table)
			print FILENAME ":" name " " FNR - start + 1
		start = 0
	}
	{ p2 = p1; p1 = $0 }
	END { print "#functions " n + 0 }' src/*/*.c cli/*.c
}

@test "no C function in src/ or cli/ is over 100 lines" {
	run long_functions
	assert_success
	# The checker sees the functions at all.
	[ "${lines[-1]#\#functions }" -gt 300 ]
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -v '^#')" ""
}

# Per file, the number of (void)snprintf, (void)xsnprintf, (void)strlcpy
# and (void)xstrlcpy without a comment on the same line or ending on the
# line before: the reason truncation is fine there.
unexplained_truncations() {
	awk '
	FNR == 1 { prev = "" }
	/\(void\)[ \t]*x?(snprintf|strlcpy)[ \t]*\(/ &&
	    $0 !~ /\/\*/ && prev !~ /\*\/[ \t]*$/ { n[FILENAME]++ }
	{ prev = $0 }
	END { for (f in n) print f, n[f] }' src/*/*.[ch] cli/*.[ch] | sort
}

@test "(void)snprintf and (void)strlcpy say why truncation is fine" {
	run unexplained_truncations
	assert_success
	assert_output ""
}

# cli/ modules: X.c using Y.h (queuecli.h is queue.c's) is an edge X -> Y;
# tsort fails on a cycle, so no two cli/ files import each other in a
# circle (as queue.c, bounce.c, log.c and maildrop.c once did).
@test "cli/ files do not import each other in a circle" {
	run bash -c '
		for f in cli/*.c; do
			m=$(basename "$f" .c)
			for h in $(grep -o "^#include \"[a-z_]*\.h\"" "$f" |
			    sed "s/#include \"//; s/\.h\"//"); do
				[ -e "cli/$h.h" ] || continue
				[ "$h" = queuecli ] && h=queue
				[ "$h" = "$m" ] || echo "$m $h"
			done
		done | tsort >/dev/null'
	assert_success
	refute_output --partial "loop"
}
