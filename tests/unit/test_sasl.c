/* SASL mechanisms against their RFCs' examples, and base64 edges. */
#include <string.h>

#include "sasl.h"
#include "tap.h"
#include "tls.h"

int
main(void)
{
	char	out[SASL_RESPMAX], small[8];
	char	dec[64];
	ssize_t	n;

	/* RFC 4616 section 4, first example: authcid tim, no authzid. */
	is_int(sasl_plain("tim", "tanstaaftanstaaf", out, sizeof(out)), 0,
	    "PLAIN encodes");
	is_str(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "PLAIN: RFC 4616 vector");
	is_int(sasl_plain("tim", "tanstaaftanstaaf", small, sizeof(small)),
	    -1, "PLAIN into a small buffer fails, not truncates");

	is_int(sasl_login(0, "tim", "pw", out, sizeof(out)), 0, "LOGIN 0");
	is_str(out, "dGlt", "LOGIN step 0 is the user name");
	is_int(sasl_login(1, "tim", "pw", out, sizeof(out)), 0, "LOGIN 1");
	is_str(out, "cHc=", "LOGIN step 1 is the password");
	is_int(sasl_login(2, "tim", "pw", out, sizeof(out)), -1,
	    "LOGIN has no step 2");

	/* RFC 4648 section 10 vectors. */
	is_int(b64_encode("foobar", 6, out, sizeof(out)), 0, "b64 foobar");
	is_str(out, "Zm9vYmFy", "b64 of foobar");
	is_int(b64_encode("fo", 2, out, sizeof(out)), 0, "b64 fo");
	is_str(out, "Zm8=", "b64 of fo");
	is_int(b64_encode("", 0, out, sizeof(out)), 0, "b64 empty");
	is_str(out, "", "b64 of nothing is empty");
	n = b64_decode("Zm9vYg==", 8, dec, sizeof(dec));
	is_mem(dec, n < 0 ? 0 : (size_t)n, "foob", 4, "b64 decode foob");
	ok(b64_decode("Zm9v!!==", 8, dec, sizeof(dec)) == -1,
	    "b64 decode rejects garbage");
	ok(b64_decode("Zm9vYmFy", 8, dec, 3) == -1,
	    "b64 decode into a small buffer fails");
	return done_testing();
}
