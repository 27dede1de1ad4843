/* Test-only snapshots built from a compact JSON description, so that rule
 * evaluation can be tested without an input adapter:
 *
 *   [{"address": "aws_vpc.a", "type": "aws_vpc", "attrs": {...},
 *     "unknown": ["cidr_block"], "refs": [["vpc_id", "aws_vpc.a"]]}, ...]
 *
 * The resources go through the normal commit path: references resolve by
 * address and split configuration is folded. */
#ifndef SOC2_TEST_FIXTURE_H
#define SOC2_TEST_FIXTURE_H

#include <soc2/soc2.h>

/* Adds the described resources as one document named `name` to `snapshot`.
 * Returns the status of the load. */
int fixture_load(soc2_snapshot *snapshot, const char *name, const char *json_text);

/* Creates a snapshot holding the described resources; aborts the test on
 * failure. */
soc2_snapshot *fixture_snapshot(const char *json_text);

#endif
