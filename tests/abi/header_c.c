/* Compiles the public headers as strict C99 (-pedantic, warnings as errors)
 * and makes sure they are self-contained. */
#include <soc2/soc2.h>

#include <soc2/common.h>
#include <soc2/engine.h>
#include <soc2/error.h>
#include <soc2/report.h>
#include <soc2/resource.h>
#include <soc2/rule.h>
#include <soc2/snapshot.h>
#include <soc2/version.h>
#include <soc2/writer.h>

int main(void)
{
    soc2_rule_spec spec = SOC2_RULE_SPEC_INIT;
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    (void)spec;
    (void)options;
    return soc2_version_number() == SOC2_VERSION_NUMBER ? 0 : 1;
}
