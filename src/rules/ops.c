/* The table of domain operators (see ops.h). */
#include <string.h>

#include "ops.h"

static const domain_op *const operators[] = {
    &op_iam_admin,
    &op_iam_public_principal,
    &op_iam_wildcard_action,
    &op_cidr_anywhere,
    &op_port_open,
    &op_open_to_anywhere,
    &op_filter_pattern_matches,
};

#define OPERATOR_COUNT (sizeof(operators) / sizeof(operators[0]))

const domain_op *domain_op_find(const char *name)
{
    for (size_t i = 0; i < OPERATOR_COUNT; i++)
        if (strcmp(operators[i]->name, name) == 0)
            return operators[i];
    return NULL;
}

void domain_op_foreach(void (*fn)(const domain_op *op, void *ctx), void *ctx)
{
    for (size_t i = 0; i < OPERATOR_COUNT; i++)
        fn(operators[i], ctx);
}
