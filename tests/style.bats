#!/usr/bin/env bats
# House rules a machine can check (DESIGN.md, House style).

setup() {
	load /usr/lib/bats/bats-support/load.bash
	load /usr/lib/bats/bats-assert/load.bash
	cd "$TOP_SRCDIR"
}

@test "no banned string or number functions in cli/ and src/" {
	run grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)[[:space:]]*\(' \
	    cli/*.[ch] src/*.[ch]
	assert_failure 1
}

@test "the engine never prints to the user and never exits" {
	run grep -nE '\b(printf|fprintf|puts|fputs|perror|exit|err|errx|warn|warnx)[[:space:]]*\(' \
	    src/*.c
	assert_failure 1
}

@test "GnuTLS is used in src/tls.c and src/crypto.c only, libidn2 in src/idn.c only" {
	run grep -lE '#include <gnutls/' cli/*.[ch] src/*.[ch]
	assert_output "src/crypto.c
src/tls.c"
	run grep -lE '#include <idn2\.h>' cli/*.[ch] src/*.[ch]
	assert_output "src/idn.c"
}

@test "no engine source file is over 1000 lines" {
	run awk 'FNR == 1000 { print FILENAME }' src/*.c cli/*.c
	assert_output ""
}
