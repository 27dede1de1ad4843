/* PLACEHOLDER: replaced by the domain operators. */
#include "ops.h"
static int c_(void **s, const json_t *j, strbuf *e) { (void)j; (void)e; *s = NULL; return 0; }
static void e_(const void *s, const cursor *at, eval_result *out) { (void)s; result_set(out, TV_ERROR, at); result_note(out, "not implemented"); }
const domain_op op_iam_admin = {"iam_admin", NULL, c_, NULL, e_};
const domain_op op_iam_public_principal = {"iam_public_principal", NULL, c_, NULL, e_};
const domain_op op_iam_wildcard_action = {"iam_wildcard_action", NULL, c_, NULL, e_};
