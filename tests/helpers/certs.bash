# bats helper: the certificate corpus (tests/fixtures/mkcerts-corpus) and
# certificate fingerprints.
#
#   bats_load_library certs.bash
#
# Provides:
#   cert_corpus          make the corpus (once per build tree) and export
#                        CORPUS, its directory; call it from setup_file
#   cert_sha256 FILE     print the SHA-256 fingerprint of the PEM
#                        certificate FILE: lower-case hex, no colons
#   corpus_sha256 NAME   the same for $CORPUS/NAME.pem
#   colons               filter: hex to upper case with a colon between
#                        octets (AB:CD:...), as bote prints fingerprints

# The suite's environment, bats-support and bats-assert.
bats_load_library bote.bash

cert_corpus() {
	export CORPUS="$TOP_BUILDDIR/tests/certs/corpus"
	"$TOP_SRCDIR/tests/fixtures/mkcerts-corpus" "$CORPUS" >&2
}

cert_sha256() {
	certtool --fingerprint --hash=sha256 --infile "$1" 2>/dev/null |
		tr -d ' \n'
}

corpus_sha256() {
	cert_sha256 "$CORPUS/$1.pem"
}

colons() {
	sed 's/../&:/g; s/:$//' | tr 'a-f' 'A-F'
}
